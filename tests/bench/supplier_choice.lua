-- wrk script: GET /api/v1/supplier-choice over the sample suppliers' products
-- (the first 300 by id), a quantity from 1 to 200 each time. The access token
-- comes from TM_BENCH_TOKEN (deploy/bench.sh logs in first). At the end it
-- prints the answers that were not 200, by status, with one body of each.
math.randomseed(20261126)
local auth = "Bearer " .. (os.getenv("TM_BENCH_TOKEN") or "")
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  bad = {}
  sample = ""
end

request = function()
  return wrk.format("GET", "/api/v1/supplier-choice?product_id=" .. math.random(1, 300) ..
    "&quantity=" .. math.random(1, 200), {Authorization = auth})
end

response = function(status, headers, body)
  if status ~= 200 then
    bad[status] = (bad[status] or 0) + 1
    if sample == "" then sample = status .. " " .. string.sub(body, 1, 200) end
  end
end

done = function(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for s, n in pairs(t:get("bad")) do total[s] = (total[s] or 0) + n end
    local one = t:get("sample")
    if one ~= "" then io.write("choice-sample: ", one, "\n") end
  end
  for s, n in pairs(total) do io.write("choice-status: ", s, " ", n, "\n") end
end
