-- wrk script: GET /api/v1/products/{id} over the first 1,000 sample products,
-- so the database and caches see a spread of rows, not one hot row.
math.randomseed(20261122)
request = function()
  return wrk.format("GET", "/api/v1/products/" .. math.random(1, 1000))
end
