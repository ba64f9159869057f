-- tm-supplier's cache of each supplier's price list (GET /v1/catalogue of its
-- API, docs/supplier-api.md), refreshed by the catalogue-refresh job. The
-- items of the last good fetch are kept when a refresh fails, so the list is
-- served (marked stale, with its age) while the supplier is down.
-- (0002 is purchase orders.)
CREATE TABLE supplier.catalogues (
    supplier_id  bigint PRIMARY KEY REFERENCES supplier.suppliers (id),
    currency     char(3) CHECK (currency ~ '^[A-Z]{3}$'),
    as_of        text CHECK (length(as_of) <= 39),   -- the supplier's own timestamp
    fetched_at   timestamptz,                        -- the last good fetch; NULL: none yet
    attempted_at timestamptz NOT NULL DEFAULT now(), -- the last refresh, good or not
    last_error   text CHECK (length(last_error) <= 300), -- NULL when the last refresh was good
    n_items      integer NOT NULL DEFAULT 0 CHECK (n_items BETWEEN 0 AND 100000)
);

-- One row per item of the last good fetch; the SKU is our product id.
CREATE TABLE supplier.catalogue_items (
    supplier_id    bigint NOT NULL REFERENCES supplier.catalogues (supplier_id) ON DELETE CASCADE,
    product_id     bigint NOT NULL CHECK (product_id > 0),
    name           text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    available      bigint NOT NULL CHECK (available >= 0),
    lead_time_days integer NOT NULL CHECK (lead_time_days BETWEEN 0 AND 3650),
    -- [{"min_quantity","unit_price_cents"}], checked by tm-supplier's decoder
    price_breaks   jsonb NOT NULL CHECK (jsonb_typeof(price_breaks) = 'array'),
    PRIMARY KEY (supplier_id, product_id)
);
-- the supplier choice looks items up by product
CREATE INDEX catalogue_items_product_idx ON supplier.catalogue_items (product_id);
