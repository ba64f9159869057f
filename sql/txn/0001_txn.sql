--@replaces ccd2d82308b0f80f1ca58d522a42cba6b89d7f9705a9fedf823e6160ce6fd339
-- tm-txn: customers, sales with their fraud score and reasons, the review
-- state, fraud rule sets (every version kept), the idempotency claims that
-- make a retried sale return its first answer, and its read copy of the
-- catalogue (stores and products, fed by inventory's events).
CREATE SCHEMA txn;

--@plumbing inbox

CREATE TABLE txn.stores (
    id         bigint PRIMARY KEY,
    time_zone  text NOT NULL,
    active     boolean NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE txn.products (
    id               bigint PRIMARY KEY,
    unit_price_cents bigint NOT NULL,
    active           boolean NOT NULL,
    updated_at       timestamptz NOT NULL
);

CREATE TABLE txn.customers (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email         text CHECK (length(email) BETWEEN 3 AND 254),
    loyalty_tier  text NOT NULL DEFAULT 'none'
                  CHECK (loyalty_tier IN ('none', 'bronze', 'silver', 'gold', 'platinum')),
    home_store_id bigint,
    risk_score    double precision NOT NULL DEFAULT 10 CHECK (risk_score BETWEEN 0 AND 100),
    sales_count   bigint NOT NULL DEFAULT 0,
    spent_cents   bigint NOT NULL DEFAULT 0,
    recent_totals bigint[] NOT NULL DEFAULT '{}', -- the last 50 sale totals, newest last
    recent_units  bigint[] NOT NULL DEFAULT '{}', -- their unit counts
    fraud_labels  bigint NOT NULL DEFAULT 0,
    legit_labels  bigint NOT NULL DEFAULT 0,
    last_sale_at  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX customers_email_key ON txn.customers (lower(email)) WHERE email IS NOT NULL;
CREATE INDEX customers_home_store_idx ON txn.customers (home_store_id, id);

CREATE TABLE txn.rule_sets (
    version    integer PRIMARY KEY CHECK (version >= 1),
    rules      jsonb NOT NULL,
    note       text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A sale's id is taken when its idempotency claim is made, so every retry
-- of the same key works on the same sale (and the same stock commit).
CREATE SEQUENCE txn.transactions_id_seq;

CREATE TABLE txn.transactions (
    id               bigint PRIMARY KEY,
    store_id         bigint NOT NULL,
    customer_id      bigint REFERENCES txn.customers (id),
    channel          text NOT NULL CHECK (channel IN ('pos', 'online', 'mobile')),
    payment_method   text NOT NULL
                     CHECK (payment_method IN ('card', 'cash', 'mobile', 'gift_card', 'invoice')),
    instrument       text CHECK (length(instrument) BETWEEN 1 AND 64),
    occurred_at      timestamptz NOT NULL,
    status           text NOT NULL CHECK (status IN ('completed', 'declined', 'voided')),
    total_cents      bigint NOT NULL CHECK (total_cents > 0),
    units            bigint NOT NULL CHECK (units > 0),
    rule_set_version integer NOT NULL REFERENCES txn.rule_sets (version),
    score            double precision NOT NULL,
    decision         text NOT NULL CHECK (decision IN ('approve', 'review', 'decline')),
    reasons          jsonb NOT NULL, -- fired rules [{code, weight, observed, threshold, message}]
    not_evaluated    jsonb NOT NULL, -- codes of rules whose facts were unavailable
    principal        text NOT NULL,
    idem_key         text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    voided_at        timestamptz,
    void_reason      text,
    review_label     text CHECK (review_label IN ('fraud', 'legit')),
    review_note      text CHECK (length(review_note) <= 1000),
    reviewed_by      text,
    reviewed_at      timestamptz
);
CREATE INDEX transactions_store_idx ON txn.transactions (store_id, id);
CREATE INDEX transactions_customer_idx ON txn.transactions (customer_id, id);
CREATE INDEX transactions_flagged_idx ON txn.transactions (id) WHERE decision <> 'approve';
CREATE INDEX transactions_occurred_idx ON txn.transactions (occurred_at);

CREATE TABLE txn.transaction_lines (
    transaction_id   bigint NOT NULL REFERENCES txn.transactions (id),
    line             integer NOT NULL,
    product_id       bigint NOT NULL,
    quantity         bigint NOT NULL CHECK (quantity > 0),
    unit_price_cents bigint NOT NULL CHECK (unit_price_cents > 0),
    PRIMARY KEY (transaction_id, line)
);

-- One row per (principal, Idempotency-Key): pending while the sale is being
-- made, done with the stored answer afterwards.
CREATE TABLE txn.sale_claims (
    principal  text NOT NULL,
    idem_key   text NOT NULL,
    body_hash  text NOT NULL,
    sale_id    bigint NOT NULL UNIQUE,
    state      text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
    status     integer,
    reply      text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, idem_key)
);
CREATE INDEX sale_claims_pending_idx ON txn.sale_claims (created_at) WHERE state = 'pending';

-- What a store's sales usually look like (robust summary of recent totals),
-- refreshed by the store-profiles job.
CREATE TABLE txn.store_profiles (
    store_id     bigint PRIMARY KEY,
    n            integer NOT NULL,
    median_log   double precision NOT NULL,
    mad_log      double precision NOT NULL,
    median_units double precision NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

--@plumbing outbox

--@plumbing jobs
