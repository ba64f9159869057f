-- wrk script: POST /api/v1/stock-commits, one line each, a new sale id and
-- the next product each time (store 1), so commits rarely wait on each
-- other's rows. The bench gives store 1 plenty of stock first.
local auth = "Bearer " .. (os.getenv("TM_BENCH_TOKEN") or "")
local run = os.getenv("TM_BENCH_RUN") or "r"
local products = tonumber(os.getenv("TM_BENCH_PRODUCTS") or "1200")
local counter = 0
local threads = {}
setup = function(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
request = function()
  counter = counter + 1
  local product = ((counter * 7 + id * 613) % products) + 1
  local body = string.format('{"sale_id":"bench-%s-%d-%d","lines":[{"store_id":1,' ..
    '"product_id":%d,"quantity":1}]}', run, id, counter, product)
  return wrk.format("POST", "/api/v1/stock-commits",
    {Authorization = auth, ["Content-Type"] = "application/json"}, body)
end
