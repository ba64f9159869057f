-- wrk script: GET /api/v1/supplier-choice over the sample suppliers' products
-- (the first 300 by id), a quantity from 1 to 200 each time. The access token
-- comes from TM_BENCH_TOKEN (deploy/bench.sh logs in first).
math.randomseed(20261126)
local auth = "Bearer " .. (os.getenv("TM_BENCH_TOKEN") or "")
request = function()
  return wrk.format("GET", "/api/v1/supplier-choice?product_id=" .. math.random(1, 300) ..
    "&quantity=" .. math.random(1, 200), {Authorization = auth})
end
