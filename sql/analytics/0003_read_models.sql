-- tm-analytics' read models (docs/analytics.md), fed by tm-txn's sales events
-- and tm-inventory's store events, each applied exactly once through the
-- inbox. Nothing here is computed from something an event does not carry
-- (a product's category and unit cost are joined from the catalogue copy
-- when a report is read), so dropping these rows and replaying the sources
-- gives the same rows again.
--@plumbing jobs

-- The stores, copied from inventory's store.* events: their time zone
-- decides a sale's local hour and day.
CREATE TABLE analytics.stores (
    id         bigint PRIMARY KEY,
    code       text NOT NULL,
    name       text NOT NULL,
    time_zone  text NOT NULL,
    active     boolean NOT NULL,
    created_at timestamptz NOT NULL, -- the store's, from the event: its first daily report's day
    updated_at timestamptz NOT NULL
);
-- Each report starts from the stores in scope (services/analytics/
-- query_store.c). A chain has tens of stores and changes them rarely, so
-- autovacuum's default (analyse after 50 changes) may never analyse this
-- copy or the categories', and the planner then guesses hundreds of rows:
-- hash joins over whole hourly tables and JIT compiling (~90 ms) where one
-- index range per store takes 2 ms. Analysed after any change instead.
ALTER TABLE analytics.stores
    SET (autovacuum_analyze_threshold = 0, autovacuum_analyze_scale_factor = 0);
ALTER TABLE analytics.categories
    SET (autovacuum_analyze_threshold = 0, autovacuum_analyze_scale_factor = 0);

-- One row per sale (txn.created) or declined attempt (txn.declined), kept
-- current by txn.voided and txn.reviewed.
CREATE TABLE analytics.sales (
    id           bigint PRIMARY KEY, -- the transaction's id at tm-txn
    store_id     bigint NOT NULL,
    customer_id  bigint,
    occurred_at  timestamptz NOT NULL,
    local_hour   timestamp NOT NULL, -- occurred_at in the store's time zone, to the hour
    status       text NOT NULL CHECK (status IN ('completed', 'declined', 'voided')),
    decision     text NOT NULL CHECK (decision IN ('approve', 'review', 'decline')),
    review_label text CHECK (review_label IN ('fraud', 'legit')),
    total_cents  bigint NOT NULL,
    units        bigint NOT NULL,
    voided_at    timestamptz,
    -- when this row was written by the subscriber: the freshness benchmark
    -- measures commit at tm-txn (its created_at) to here. Not part of what
    -- a replay must reproduce.
    applied_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX sales_occurred_idx ON analytics.sales (occurred_at);
CREATE INDEX sales_store_hour_idx ON analytics.sales (store_id, local_hour);
CREATE INDEX sales_customer_idx ON analytics.sales (customer_id, occurred_at)
    WHERE customer_id IS NOT NULL;

CREATE TABLE analytics.sale_lines (
    sale_id      bigint NOT NULL REFERENCES analytics.sales (id) ON DELETE CASCADE,
    line         int NOT NULL,
    product_id   bigint NOT NULL,
    quantity     bigint NOT NULL,
    amount_cents bigint NOT NULL,
    PRIMARY KEY (sale_id, line)
);
CREATE INDEX sale_lines_product_idx ON analytics.sale_lines (product_id);

-- Completed sales per store, local hour and product. A void takes its sale
-- back out; a row whose counts reach zero is deleted, so a replay leaves
-- the same rows. transactions: sales with at least one line of the product.
CREATE TABLE analytics.hourly_product (
    store_id      bigint NOT NULL,
    local_hour    timestamp NOT NULL,
    product_id    bigint NOT NULL,
    revenue_cents bigint NOT NULL,
    units         bigint NOT NULL,
    transactions  bigint NOT NULL,
    PRIMARY KEY (store_id, local_hour, product_id)
);
CREATE INDEX hourly_product_hour_idx ON analytics.hourly_product (local_hour, product_id);

-- Per store and local hour: what the product rows cannot sum. customers is
-- the number of distinct customers with a completed sale in that hour
-- (hourly_customer keeps it exact under voids); declined, voided and flagged
-- (decision review) count attempts and sales of that hour.
CREATE TABLE analytics.hourly_store (
    store_id      bigint NOT NULL,
    local_hour    timestamp NOT NULL,
    revenue_cents bigint NOT NULL,
    units         bigint NOT NULL,
    transactions  bigint NOT NULL,
    customers     bigint NOT NULL,
    declined      bigint NOT NULL,
    voided        bigint NOT NULL,
    flagged       bigint NOT NULL,
    PRIMARY KEY (store_id, local_hour)
);
CREATE INDEX hourly_store_hour_idx ON analytics.hourly_store (local_hour);

CREATE TABLE analytics.hourly_customer (
    store_id     bigint NOT NULL,
    local_hour   timestamp NOT NULL,
    customer_id  bigint NOT NULL,
    transactions bigint NOT NULL,
    PRIMARY KEY (store_id, local_hour, customer_id)
);

-- Lifetime aggregates of completed sales, for RFM segments and product
-- rankings; a void takes its sale back out (last_sale_at from what remains).
CREATE TABLE analytics.customer_stats (
    customer_id   bigint PRIMARY KEY,
    transactions  bigint NOT NULL,
    revenue_cents bigint NOT NULL,
    units         bigint NOT NULL,
    first_sale_at timestamptz NOT NULL,
    last_sale_at  timestamptz NOT NULL
);

CREATE TABLE analytics.product_stats (
    product_id    bigint PRIMARY KEY,
    transactions  bigint NOT NULL,
    revenue_cents bigint NOT NULL,
    units         bigint NOT NULL,
    first_sold_at timestamptz NOT NULL,
    last_sold_at  timestamptz NOT NULL
);

-- Stored reports: the daily sales report per store and local day, written
-- once by the daily-report job after the store's midnight (docs/analytics.md
-- "Daily report"; body is the report as GET /api/v1/reports/{id} shows it).
CREATE TABLE analytics.reports (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('daily_sales')),
    store_id   bigint NOT NULL,
    day        date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revision   int NOT NULL DEFAULT 1, -- + 1 each time a run found its figures changed
    amended_at timestamptz,            -- the last such change (late sales, voids)
    body       jsonb NOT NULL,
    UNIQUE (kind, store_id, day)
);
CREATE INDEX reports_day_idx ON analytics.reports (day DESC, id DESC);
