-- wrk script: GET /api/v1/transactions, a first page of 50 sales of one of
-- the sample stores at random (the list a store screen shows). The access
-- token comes from TM_BENCH_TOKEN (deploy/bench.sh logs in first).
math.randomseed(20261128)
local auth = "Bearer " .. (os.getenv("TM_BENCH_TOKEN") or "")
local stores = tonumber(os.getenv("TM_BENCH_STORES") or "13")
request = function()
  local path = "/api/v1/transactions?limit=50&store_id=" .. math.random(1, stores)
  return wrk.format("GET", path, {Authorization = auth})
end
