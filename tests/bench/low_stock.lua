-- wrk script: GET /api/v1/inventory/low-stock, the first page (50 rows), for
-- one of the sample stores at random or all stores (store_id absent), so
-- the read is the one the dashboards and buyers make. The access token
-- comes from TM_BENCH_TOKEN (deploy/bench.sh logs in first).
math.randomseed(20261127)
local auth = "Bearer " .. (os.getenv("TM_BENCH_TOKEN") or "")
local stores = tonumber(os.getenv("TM_BENCH_STORES") or "13")
request = function()
  local s = math.random(0, stores)
  local path = "/api/v1/inventory/low-stock"
  if s > 0 then path = path .. "?store_id=" .. s end
  return wrk.format("GET", path, {Authorization = auth})
end
