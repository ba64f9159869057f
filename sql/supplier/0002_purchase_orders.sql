-- tm-supplier: purchase orders, their lines, and the receipts against them
-- (docs/purchase-orders.md). A PO goes draft -> sending -> sent -> confirmed
-- -> partially_received -> received, or cancelled; `sending` while its
-- submission to the supplier's API is in flight or waiting to be retried.
CREATE TABLE supplier.purchase_orders (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    supplier_id       bigint NOT NULL REFERENCES supplier.suppliers (id),
    store_id          bigint NOT NULL CHECK (store_id > 0),
    status            text NOT NULL DEFAULT 'draft'
                      CHECK (status IN ('draft', 'sending', 'sent', 'confirmed',
                                        'partially_received', 'received', 'cancelled')),
    currency          char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    reference         text NOT NULL DEFAULT '' CHECK (length(reference) <= 64),
    -- the buyer's order key: the Idempotency-Key of every submission, so the
    -- supplier makes one order however often it is sent
    order_key         text NOT NULL UNIQUE CHECK (order_key ~ '^[A-Za-z0-9._:-]{1,64}$'),
    supplier_order_id text CHECK (length(supplier_order_id) <= 64),
    expected_delivery date,
    shipping_cents    bigint NOT NULL DEFAULT 0 CHECK (shipping_cents >= 0),
    send_attempts     integer NOT NULL DEFAULT 0,
    last_error        text NOT NULL DEFAULT '' CHECK (length(last_error) <= 500),
    cancel_reason     text NOT NULL DEFAULT '' CHECK (length(cancel_reason) <= 500),
    created_by        text NOT NULL DEFAULT '' CHECK (length(created_by) <= 128),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    sent_at           timestamptz,
    confirmed_at      timestamptz,
    closed_at         timestamptz -- received in full, or cancelled
);
CREATE INDEX purchase_orders_status_idx ON supplier.purchase_orders (status, id);
CREATE INDEX purchase_orders_store_idx ON supplier.purchase_orders (store_id, id);
CREATE INDEX purchase_orders_supplier_idx ON supplier.purchase_orders (supplier_id, id);

CREATE TABLE supplier.po_lines (
    po_id              bigint NOT NULL REFERENCES supplier.purchase_orders (id),
    line               integer NOT NULL CHECK (line BETWEEN 0 AND 499),
    product_id         bigint NOT NULL CHECK (product_id > 0),
    quantity           bigint NOT NULL CHECK (quantity BETWEEN 1 AND 10000000),
    confirmed_quantity bigint CHECK (confirmed_quantity >= 0),
    received_quantity  bigint NOT NULL DEFAULT 0 CHECK (received_quantity >= 0),
    rejected_quantity  bigint NOT NULL DEFAULT 0 CHECK (rejected_quantity >= 0),
    unit_price_cents   bigint NOT NULL CHECK (unit_price_cents >= 0),
    promised_lead_days integer NOT NULL CHECK (promised_lead_days BETWEEN 0 AND 3650),
    PRIMARY KEY (po_id, line),
    UNIQUE (po_id, product_id)
);

-- A delivery booked against a PO: its lines, and the key a client may give
-- so that a retried receipt books nothing twice.
CREATE TABLE supplier.po_receipts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    po_id       bigint NOT NULL REFERENCES supplier.purchase_orders (id),
    key         text CHECK (key ~ '^[A-Za-z0-9._:-]{1,64}$'),
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    received_by text NOT NULL DEFAULT '' CHECK (length(received_by) <= 128),
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (po_id, key)
);
CREATE INDEX po_receipts_po_idx ON supplier.po_receipts (po_id, id);

CREATE TABLE supplier.po_receipt_lines (
    receipt_id bigint NOT NULL REFERENCES supplier.po_receipts (id),
    product_id bigint NOT NULL CHECK (product_id > 0),
    quantity   bigint NOT NULL CHECK (quantity >= 0),
    rejected   bigint NOT NULL DEFAULT 0 CHECK (rejected >= 0),
    reason     text NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    PRIMARY KEY (receipt_id, product_id)
);

-- The performance rows now come from purchase orders: one per PO line when
-- the PO closes, naming it.
ALTER TABLE supplier.receipts ADD COLUMN po_id bigint REFERENCES supplier.purchase_orders (id);
CREATE UNIQUE INDEX receipts_po_line_uq ON supplier.receipts (po_id, product_id)
    WHERE po_id IS NOT NULL;
