-- wrk script: GET /api/v1/products/{id} over the first 1,000 sample products,
-- so the database and caches see a spread of rows, not one hot row. The
-- access token comes from TM_BENCH_TOKEN (deploy/bench.sh logs in first).
math.randomseed(20261122)
local auth = "Bearer " .. (os.getenv("TM_BENCH_TOKEN") or "")
request = function()
  return wrk.format("GET", "/api/v1/products/" .. math.random(1, 1000), {Authorization = auth})
end
