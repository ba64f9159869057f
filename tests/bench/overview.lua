-- wrk script: GET /api/v1/dashboard/overview (every store, the admin's
-- scope: one cache entry) with the access token of TM_BENCH_TOKEN.
local auth = "Bearer " .. (os.getenv("TM_BENCH_TOKEN") or "")
request = function()
  return wrk.format("GET", "/api/v1/dashboard/overview", {Authorization = auth})
end
