-- tm-supplier: suppliers, their offers (price breaks as rows of a child
-- table, so every rule about them is a constraint), and the receipts that
-- measure a supplier's performance (empty until purchase orders come; the
-- supplier choice then uses quoted values, docs/supplier-choice.md).
CREATE SCHEMA supplier;

--@plumbing outbox
--@plumbing jobs

CREATE TABLE supplier.suppliers (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    contact    text NOT NULL DEFAULT '' CHECK (length(contact) <= 500),
    currency   char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    active     boolean NOT NULL DEFAULT true,
    -- the supplier's API: an http(s) URL on the daemon's allow-list (checked
    -- by tm-supplier, which knows the list); the key is a secret no route returns
    api_url    text CHECK (api_url ~ '^https?://[^/?#@[:space:]]+([/?#][^[:space:]]*)?$'
                           AND length(api_url) <= 500),
    api_key    text CHECK (length(api_key) BETWEEN 1 AND 500),
    preferred  boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE supplier.offers (
    id                            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    supplier_id                   bigint NOT NULL REFERENCES supplier.suppliers (id),
    product_id                    bigint NOT NULL CHECK (product_id > 0),
    moq                           bigint NOT NULL DEFAULT 1 CHECK (moq BETWEEN 1 AND 10000000),
    pack_size                     bigint NOT NULL DEFAULT 1 CHECK (pack_size BETWEEN 1 AND 10000000),
    lead_time_days                integer NOT NULL CHECK (lead_time_days BETWEEN 0 AND 3650),
    lead_time_spread_days         integer NOT NULL DEFAULT 0
                                  CHECK (lead_time_spread_days BETWEEN 0 AND 3650),
    shipping_cost_cents           bigint NOT NULL DEFAULT 0
                                  CHECK (shipping_cost_cents BETWEEN 0 AND 100000000),
    free_shipping_threshold_cents bigint NOT NULL DEFAULT 0
                                  CHECK (free_shipping_threshold_cents BETWEEN 0 AND 100000000),
    valid_from                    date,
    valid_to                      date,
    active                        boolean NOT NULL DEFAULT true,
    created_at                    timestamptz NOT NULL DEFAULT now(),
    updated_at                    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT offers_valid_range CHECK (valid_to >= valid_from) -- both inclusive
);
-- one active offer per supplier and product; deleted (inactive) ones stay
CREATE UNIQUE INDEX offers_active_uq ON supplier.offers (supplier_id, product_id) WHERE active;
CREATE INDEX offers_product_idx ON supplier.offers (product_id) WHERE active;

-- An offer's price breaks: from min_quantity units up, unit_price_cents each.
-- The key makes min_quantity unique within an offer; read in its order, the
-- breaks are strictly increasing.
CREATE TABLE supplier.offer_breaks (
    offer_id         bigint NOT NULL REFERENCES supplier.offers (id) ON DELETE CASCADE,
    min_quantity     bigint NOT NULL CHECK (min_quantity BETWEEN 1 AND 10000000),
    unit_price_cents bigint NOT NULL CHECK (unit_price_cents BETWEEN 1 AND 100000000),
    PRIMARY KEY (offer_id, min_quantity)
);

-- What a supplier delivered against what it promised: one row per receipt
-- of a purchase order line (written by purchase orders, a later change).
CREATE TABLE supplier.receipts (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    supplier_id        bigint NOT NULL REFERENCES supplier.suppliers (id),
    product_id         bigint CHECK (product_id > 0),
    promised_lead_days integer NOT NULL CHECK (promised_lead_days BETWEEN 0 AND 3650),
    actual_lead_days   integer NOT NULL CHECK (actual_lead_days BETWEEN 0 AND 3650),
    ordered_quantity   bigint NOT NULL CHECK (ordered_quantity > 0),
    received_quantity  bigint NOT NULL CHECK (received_quantity >= 0),
    received_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX receipts_supplier_idx ON supplier.receipts (supplier_id, product_id);
