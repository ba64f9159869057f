-- tm-alerts: alert rules (every version kept), the conditions they watch,
-- alerts and their history, silences, escalation policies, notification
-- channels, and the notification log with every delivery attempt
-- (docs/alerts.md). The facts tables at the end are tm-alerts' own copies of
-- what other services' events say, kept for the scheduled evaluation.
CREATE SCHEMA alerts;
--@plumbing outbox
--@plumbing inbox
--@plumbing jobs

-- A channel a notification goes to. `roles`: the roles this channel serves
-- (an escalation step that names a role notifies every active channel
-- listing it). A webhook's secret signs its requests and is never read back
-- through the API.
CREATE TABLE alerts.channels (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    kind       text NOT NULL CHECK (kind IN ('webhook', 'email', 'dashboard')),
    url        text CHECK (length(url) <= 2048),     -- webhook
    secret     text CHECK (length(secret) <= 256),   -- webhook
    address    text CHECK (length(address) <= 320),  -- email: the recipient
    roles      text[] NOT NULL DEFAULT '{}',
    active     boolean NOT NULL DEFAULT true,
    created_by text NOT NULL CHECK (length(created_by) <= 128),
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'webhook' OR (url IS NOT NULL AND secret IS NOT NULL)),
    CHECK (kind <> 'email' OR address IS NOT NULL)
);

-- A chain of steps: steps = [{"after_s": N, "targets": [{"channel_id": N} |
-- {"role": "buyer"}, ...]}, ...], after_s counted from the alert's firing,
-- non-decreasing. After the last step, repeat_every_s > 0 runs the last step
-- again every repeat_every_s, repeat_max times at most. Acknowledging or
-- resolving the alert stops the chain.
CREATE TABLE alerts.escalation_policies (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    steps          jsonb NOT NULL CHECK (jsonb_typeof(steps) = 'array'),
    repeat_every_s integer NOT NULL DEFAULT 0 CHECK (repeat_every_s BETWEEN 0 AND 604800),
    repeat_max     integer NOT NULL DEFAULT 0 CHECK (repeat_max BETWEEN 0 AND 100),
    created_by     text NOT NULL CHECK (length(created_by) <= 128),
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- Rules: a rule is its id; every change is a new version (the highest is
-- current; a deleted rule's last version has active = false). Scope: NULL
-- matches any store / category / product. params: the kind's thresholds
-- (docs/alerts.md "Rule kinds"). policy_id: the notification route (NULL:
-- the alert is only shown and published, never notified).
CREATE SEQUENCE alerts.rule_ids;
CREATE TABLE alerts.rules (
    id          bigint NOT NULL,
    version     integer NOT NULL CHECK (version >= 1),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind        text NOT NULL CHECK (kind IN ('stock_out', 'low_stock', 'overstock',
                                              'slow_moving', 'demand_spike',
                                              'forecast_accuracy', 'review_waiting',
                                              'supplier_api_down', 'po_overdue',
                                              'ledger_mismatch', 'job_failing')),
    store_id    bigint CHECK (store_id > 0),
    category_id bigint CHECK (category_id > 0),
    product_id  bigint CHECK (product_id > 0),
    params      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
    pending_s   integer NOT NULL DEFAULT 0 CHECK (pending_s BETWEEN 0 AND 604800),
    severity    text NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
    cooldown_s  integer NOT NULL DEFAULT 0 CHECK (cooldown_s BETWEEN 0 AND 2592000),
    policy_id   bigint REFERENCES alerts.escalation_policies (id),
    active      boolean NOT NULL DEFAULT true,
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    created_by  text NOT NULL CHECK (length(created_by) <= 128),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id, version)
);
CREATE VIEW alerts.current_rules AS
    SELECT DISTINCT ON (id) * FROM alerts.rules ORDER BY id, version DESC;

-- The state of one rule's condition for one entity (dedup_key, e.g.
-- "store:3:product:17", "txn:88", "supplier:2", "po:5",
-- "job:inventory:forecast-refresh"): whether it holds, since when (the
-- pending period counts from there), what was last observed, the alert it
-- has open, and when its last alert fired (the cooldown counts from there).
CREATE TABLE alerts.conditions (
    rule_id       bigint NOT NULL,
    dedup_key     text NOT NULL CHECK (length(dedup_key) BETWEEN 1 AND 200),
    store_id      bigint,
    category_id   bigint,
    product_id    bigint,
    holds         boolean NOT NULL,
    since         timestamptz,              -- when it began to hold; NULL when it does not
    observed      jsonb NOT NULL DEFAULT '{}',
    alert_id      bigint,                   -- its alert while firing or acknowledged
    last_fired_at timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (rule_id, dedup_key)
);
CREATE INDEX conditions_pending_idx ON alerts.conditions (since) WHERE holds AND alert_id IS NULL;

-- An alert: one per crossing of one rule's condition for one entity (rule
-- alerts), or raised by hand (kind 'manual', rule_id NULL). firing ->
-- acknowledged -> resolved (or firing -> resolved); resolution says whether
-- it cleared by itself ('auto') or was resolved by someone ('manual').
-- Deleted alerts stay as rows (deleted_at) with their history.
CREATE TABLE alerts.alerts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule_id         bigint,
    rule_version    integer,
    kind            text NOT NULL CHECK (length(kind) <= 32),
    dedup_key       text NOT NULL CHECK (length(dedup_key) BETWEEN 1 AND 200),
    severity        text NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
    state           text NOT NULL DEFAULT 'firing'
                    CHECK (state IN ('firing', 'acknowledged', 'resolved')),
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    details         jsonb NOT NULL DEFAULT '{}', -- observed, threshold, inputs; a manual alert's text
    store_id        bigint,
    category_id     bigint,
    product_id      bigint,
    fired_at        timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL CHECK (length(created_by) <= 128), -- 'system' or the principal
    acknowledged_at timestamptz,
    acknowledged_by text,
    resolved_at     timestamptz,
    resolved_by     text,
    resolution      text CHECK (resolution IN ('auto', 'manual')),
    silence_id      bigint,                  -- the silence that matched when it fired
    policy_id       bigint REFERENCES alerts.escalation_policies (id),
    next_step       integer NOT NULL DEFAULT 0, -- the escalation step to run next (steps, then repeats)
    next_step_at    timestamptz,                -- when; NULL: nothing more to run
    deleted_at      timestamptz,
    deleted_by      text
);
CREATE UNIQUE INDEX alerts_open_uq ON alerts.alerts (rule_id, dedup_key)
    WHERE state <> 'resolved' AND rule_id IS NOT NULL;
CREATE INDEX alerts_state_idx ON alerts.alerts (state, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX alerts_store_idx ON alerts.alerts (store_id, id DESC);
CREATE INDEX alerts_escalation_idx ON alerts.alerts (next_step_at)
    WHERE next_step_at IS NOT NULL AND state = 'firing';

-- Every change of an alert, with who made it ('system' or the principal).
CREATE TABLE alerts.alert_history (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id   bigint NOT NULL REFERENCES alerts.alerts (id),
    at         timestamptz NOT NULL DEFAULT now(),
    action     text NOT NULL CHECK (action IN ('fired', 'acknowledged', 'resolved',
                                                'escalated', 'silenced', 'deleted')),
    from_state text,
    to_state   text,
    actor      text NOT NULL CHECK (length(actor) <= 128),
    note       text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    details    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX alert_history_alert_idx ON alerts.alert_history (alert_id, id);

-- A silence: alerts matching every matcher it sets (at least one) fired
-- between starts_at and ends_at are recorded but not notified. Deleting a
-- silence ends it now (ends_at) and keeps the row.
CREATE TABLE alerts.silences (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule_id    bigint,
    store_id   bigint,
    product_id bigint,
    severity   text CHECK (severity IN ('critical', 'high', 'medium', 'low')),
    starts_at  timestamptz NOT NULL DEFAULT now(),
    ends_at    timestamptz NOT NULL,
    comment    text NOT NULL DEFAULT '' CHECK (length(comment) <= 500),
    created_by text NOT NULL CHECK (length(created_by) <= 128),
    created_at timestamptz NOT NULL DEFAULT now(),
    ended_by   text,
    CHECK (rule_id IS NOT NULL OR store_id IS NOT NULL OR product_id IS NOT NULL
           OR severity IS NOT NULL),
    CHECK (ends_at > starts_at)
);
CREATE INDEX silences_active_idx ON alerts.silences (ends_at);

-- One notification: an alert's escalation step (round: 0, then each repeat)
-- to one channel. Unique per (alert, step, round, channel): a step is never
-- queued twice. A delivering instance holds a lease; when it dies the lease
-- runs out and another takes the row over with the same id (the receiver's
-- idempotency key). silenced/cancelled rows are never sent.
CREATE TABLE alerts.notifications (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id     bigint NOT NULL REFERENCES alerts.alerts (id),
    step         integer NOT NULL CHECK (step >= 0),
    round        integer NOT NULL DEFAULT 0 CHECK (round >= 0),
    channel_id   bigint NOT NULL REFERENCES alerts.channels (id),
    state        text NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'sending', 'delivered', 'failed', 'silenced',
                                  'cancelled')),
    attempts     integer NOT NULL DEFAULT 0,
    next_at      timestamptz NOT NULL DEFAULT now(),
    lease_owner  text,
    lease_until  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz,
    last_error   text NOT NULL DEFAULT '' CHECK (length(last_error) <= 500),
    UNIQUE (alert_id, step, round, channel_id)
);
CREATE INDEX notifications_due_idx ON alerts.notifications (next_at)
    WHERE state IN ('pending', 'sending');

-- Every try of a notification.
CREATE TABLE alerts.delivery_attempts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_id bigint NOT NULL REFERENCES alerts.notifications (id),
    attempt         integer NOT NULL CHECK (attempt >= 1),
    instance        text NOT NULL,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NOT NULL DEFAULT now(),
    ok              boolean NOT NULL,
    status          integer,          -- HTTP status or SMTP reply code
    error           text NOT NULL DEFAULT '' CHECK (length(error) <= 500)
);
CREATE INDEX delivery_attempts_idx ON alerts.delivery_attempts (notification_id, id);

-- ---- facts: tm-alerts' copies of what the sources' events say -------------

-- A stock level (stock.changed), with what the forecast says of its demand
-- (forecast.updated's per-store figures) and its sales today.
CREATE TABLE alerts.levels (
    store_id      bigint NOT NULL,
    product_id    bigint NOT NULL,
    category_id   bigint,
    on_hand       bigint NOT NULL,
    available     bigint NOT NULL,
    reorder_point bigint NOT NULL DEFAULT 0,
    daily_mean    double precision,   -- forecast mean demand a day; NULL: no forecast yet
    daily_upper   double precision,   -- forecast upper bound of one day's demand
    sold_day      date,               -- the UTC day sold_today counts
    sold_today    bigint NOT NULL DEFAULT 0,
    last_sale_at  timestamptz,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, product_id)
);

-- A product's forecast quality and category (forecast.updated, product.*).
CREATE TABLE alerts.products (
    product_id  bigint PRIMARY KEY,
    category_id bigint,
    mase        double precision,
    model       text,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Sales waiting for review (txn.created with decision review, until
-- txn.reviewed or txn.voided).
CREATE TABLE alerts.reviews_waiting (
    txn_id   bigint PRIMARY KEY,
    store_id bigint,
    since    timestamptz NOT NULL
);

-- Open purchase orders (purchase_order.* until received in full or
-- cancelled).
CREATE TABLE alerts.purchase_orders (
    po_id             bigint PRIMARY KEY,
    store_id          bigint,
    supplier_id       bigint,
    status            text NOT NULL,
    expected_delivery date,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Suppliers whose API circuit is open (supplier.api_circuit).
CREATE TABLE alerts.supplier_circuits (
    supplier_id bigint PRIMARY KEY,
    state       text NOT NULL,
    since       timestamptz NOT NULL
);

-- Every service's jobs as last polled: the failed runs at the end of each
-- job's history (docs/alerts.md "job_failing").
CREATE TABLE alerts.jobs (
    service         text NOT NULL,
    job             text NOT NULL,
    failed_in_a_row integer NOT NULL,
    last_run_id     bigint,
    last_error      text NOT NULL DEFAULT '',
    polled_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service, job)
);
