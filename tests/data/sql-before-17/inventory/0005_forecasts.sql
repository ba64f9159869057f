-- Demand forecasts (issue 8): the latest forecast of each series and horizon,
-- written by the forecast-refresh job and POST .../predictions/{id}/refresh.
-- `series` names the series: 's<store>:p<product>' (a store's sales of a
-- product), 'p<product>' (the product across stores), 'c<category>' (a
-- category across stores). `body` is the answer GET returns (json: kept as written).
CREATE TABLE inventory.forecasts (
    series       text NOT NULL CHECK (series ~ '^(s[0-9]+:p[0-9]+|p[0-9]+|c[0-9]+)$'),
    horizon_days int NOT NULL CHECK (horizon_days BETWEEN 1 AND 366),
    product_id   bigint,
    store_id     bigint,
    category_id  bigint,
    class        text NOT NULL,
    model        text NOT NULL,
    total        double precision NOT NULL CHECK (total >= 0),
    body         json NOT NULL,
    computed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (series, horizon_days)
);
CREATE INDEX forecasts_product_idx ON inventory.forecasts (product_id) WHERE product_id IS NOT NULL;
