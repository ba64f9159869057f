-- wrk script: GET /api/v1/products/1 with a forged access token. It carries
-- credentials, so nginx's anonymous limit lets it through, and the gateway
-- refuses it (401) and counts it (services/gateway/refusals.h).
request = function()
  return wrk.format("GET", "/api/v1/products/1", {Authorization = "Bearer forged.token.x"})
end
