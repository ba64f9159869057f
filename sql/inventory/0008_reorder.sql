-- tm-inventory: reorder suggestions (docs/reorder.md, "Suggestions and
-- approval"). One row per suggestion for a level (store, product): written
-- by POST .../generate-reorder-suggestion/{product_id} or the reorder-scan
-- job when the position is at or under the reorder point, or when no
-- supplier offers the product (status no_supplier); decided by approve
-- (purchase orders at tm-supplier) or reject.
--
-- status: open → approving (approve has claimed it and is making the
-- purchase orders; a retry of approve finishes it) → approved; open →
-- rejected; approving → rejected once its claim is stale (claimed_at older
-- than INV_RS_CLAIM_STALE_S); open or no_supplier → expired (the scan or
-- generate found the position above the reorder point). no_supplier is a
-- live suggestion that cannot be approved, only rejected. A level has at
-- most one live suggestion (open, approving or no_supplier):
-- reorder_suggestions_live_uq.

ALTER TABLE inventory.stock
    -- set when a person set the reorder point (PUT /api/v1/inventory/{store}/{product}):
    -- the reorder-scan job then leaves reorder_point and safety_stock alone
    ADD COLUMN reorder_manual boolean NOT NULL DEFAULT false,
    -- when the reorder-scan job last looked at the level (NULL: never); it
    -- takes the least recently scanned levels first
    ADD COLUMN reorder_scanned_at timestamptz;

CREATE TABLE inventory.reorder_suggestions (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store_id           bigint NOT NULL,
    product_id         bigint NOT NULL,
    status             text NOT NULL DEFAULT 'open'
                       CHECK (status IN ('open', 'approving', 'approved', 'rejected', 'no_supplier',
                                         'expired')),
    origin             text NOT NULL CHECK (origin IN ('api', 'scan')),
    reason             text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    -- the policy's key numbers (all of them, with every input, in inputs/terms)
    abc_class          text NOT NULL CHECK (abc_class IN ('A', 'B', 'C')),
    fill_rate_target   double precision NOT NULL CHECK (fill_rate_target > 0 AND fill_rate_target < 1),
    reorder_point      bigint NOT NULL CHECK (reorder_point >= 0),
    order_up_to        bigint NOT NULL CHECK (order_up_to >= 0),
    safety_stock       double precision NOT NULL,
    position           bigint NOT NULL,
    order_quantity     bigint NOT NULL CHECK (order_quantity >= 0),
    urgency            text NOT NULL CHECK (length(urgency) <= 16),
    stockout_date      date,
    lead_time_source   text NOT NULL CHECK (length(lead_time_source) <= 16),
    supplier_id        bigint, -- the choice's supplier when the policy ran; NULL: none
    inputs             jsonb NOT NULL,
    terms              jsonb NOT NULL,
    -- the decision
    supplier_choice    jsonb, -- tm-supplier's choice when approved
    choice_quantity    bigint, -- the order_quantity supplier_choice was asked for
    claimed_at         timestamptz, -- when approve last claimed it (approving)
    purchase_order_ids bigint[] NOT NULL DEFAULT '{}',
    -- why it was rejected (the person's reason) or expired (the scan's)
    reject_reason      text CHECK (length(reject_reason) BETWEEN 1 AND 500),
    created_by         text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    decided_by         text,
    decided_at         timestamptz,
    CONSTRAINT reorder_suggestions_stock_fkey FOREIGN KEY (store_id, product_id)
        REFERENCES inventory.stock (store_id, product_id),
    CONSTRAINT reorder_suggestions_decided CHECK (
        (status IN ('approved', 'rejected', 'expired')) = (decided_at IS NOT NULL)),
    CONSTRAINT reorder_suggestions_rejected CHECK (
        (status IN ('rejected', 'expired')) = (reject_reason IS NOT NULL)),
    CONSTRAINT reorder_suggestions_choice CHECK ((supplier_choice IS NULL) = (choice_quantity IS NULL))
);
CREATE UNIQUE INDEX reorder_suggestions_live_uq ON inventory.reorder_suggestions (store_id, product_id)
    WHERE status IN ('open', 'approving', 'no_supplier');
CREATE INDEX reorder_suggestions_status_idx ON inventory.reorder_suggestions (status, id);
CREATE INDEX reorder_suggestions_store_idx ON inventory.reorder_suggestions (store_id, id);
