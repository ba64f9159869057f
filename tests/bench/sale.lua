-- wrk script: POST /api/v1/transactions, one line of quantity 1 at the
-- catalogue price, store 1, a new Idempotency-Key and payment instrument per
-- request (so no velocity rule piles up on one card). The bench writes the
-- store's stocked products and their prices to TM_BENCH_PRICES ("id cents"
-- per line) and gives store 1 plenty of stock first.
local auth = "Bearer " .. (os.getenv("TM_BENCH_TOKEN") or "")
local run = os.getenv("TM_BENCH_RUN") or "r"
local items = {}
for line in io.lines(os.getenv("TM_BENCH_PRICES")) do
  local id, cents = line:match("^(%d+) (%d+)$")
  if id then items[#items + 1] = {id, tonumber(cents)} end
end
local counter = 0
local threads = {}
setup = function(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
request = function()
  counter = counter + 1
  local item = items[((counter * 7 + id * 613) % #items) + 1]
  local body = string.format('{"store_id":1,"lines":[{"product_id":%s,"quantity":1,' ..
    '"unit_price":%d.%02d}],"channel":"pos","payment_method":"card",' ..
    '"instrument":"bench-%s-%d-%d"}', item[1], math.floor(item[2] / 100), item[2] % 100, run, id, counter)
  return wrk.format("POST", "/api/v1/transactions",
    {Authorization = auth, ["Content-Type"] = "application/json",
     ["Idempotency-Key"] = string.format("bench-%s-%d-%d", run, id, counter)}, body)
end
