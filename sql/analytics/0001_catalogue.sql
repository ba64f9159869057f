--@replaces ffbf704ee2db7b1225f30774dd6301c919262f6a3b70b10cbfdbd7759ddfe6f4
-- tm-analytics: its read copy of the catalogue, fed by inventory's events,
-- and per source the last event seq applied (in the same transaction as the
-- event's effect, so an event is applied exactly once).
CREATE SCHEMA analytics;

--@plumbing inbox

CREATE TABLE analytics.categories (
    id         bigint PRIMARY KEY,
    name       text NOT NULL,
    parent_id  bigint,
    active     boolean NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE analytics.products (
    id               bigint PRIMARY KEY,
    sku              text NOT NULL,
    name             text NOT NULL,
    category_id      bigint NOT NULL,
    unit_price_cents bigint NOT NULL,
    unit_cost_cents  bigint NOT NULL,
    active           boolean NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX products_category_idx ON analytics.products (category_id);
