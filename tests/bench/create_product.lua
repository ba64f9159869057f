-- wrk script: POST /api/v1/products with a new sku each time, so every
-- request writes one product and one product.created event. The skus are
-- BENCH-<TM_BENCH_RUN>-<thread>-<n>, so runs on the same stack never collide.
local auth = "Bearer " .. (os.getenv("TM_BENCH_TOKEN") or "")
local run = os.getenv("TM_BENCH_RUN") or "r"
local counter = 0
local threads = {}
-- `id` is a global each thread gets from setup (thread:set), so skus never collide
setup = function(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
request = function()
  counter = counter + 1
  local body = string.format('{"sku":"BENCH-%s-%d-%d","name":"bench","category_id":1,' ..
    '"unit_price_cents":100,"unit_cost_cents":50}', run, id, counter)
  return wrk.format("POST", "/api/v1/products",
    {Authorization = auth, ["Content-Type"] = "application/json"}, body)
end
