-- tm-inventory, second slice: stock per (store, product) and its ledger.
-- The ledger (movements) is the source of truth and append-only; stock is its
-- running total, updated in the same statement that appends the movement, so
-- on_hand = sum(quantity) and reserved = sum(reserved_delta) at every commit.

CREATE TABLE inventory.stock (
    store_id      bigint NOT NULL,
    product_id    bigint NOT NULL,
    on_hand       bigint NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved      bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    incoming      bigint NOT NULL DEFAULT 0 CHECK (incoming >= 0),
    min_qty       bigint NOT NULL DEFAULT 0 CHECK (min_qty >= 0),
    max_qty       bigint NOT NULL DEFAULT 0 CHECK (max_qty >= 0),
    reorder_point bigint NOT NULL DEFAULT 0 CHECK (reorder_point >= 0),
    safety_stock  bigint NOT NULL DEFAULT 0 CHECK (safety_stock >= 0),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, product_id),
    CONSTRAINT stock_store_fkey FOREIGN KEY (store_id) REFERENCES inventory.stores (id),
    CONSTRAINT stock_product_fkey FOREIGN KEY (product_id) REFERENCES inventory.products (id),
    CONSTRAINT stock_max_over_min CHECK (max_qty = 0 OR max_qty >= min_qty)
);
CREATE INDEX stock_product_idx ON inventory.stock (product_id, store_id);

CREATE TABLE inventory.movements (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store_id       bigint NOT NULL,
    product_id     bigint NOT NULL,
    type           text NOT NULL CHECK (type IN ('receipt', 'sale', 'return', 'adjustment',
                       'transfer_out', 'transfer_in', 'count', 'reservation', 'release')),
    quantity       bigint NOT NULL, -- change of on hand
    reserved_delta bigint NOT NULL DEFAULT 0, -- change of reserved
    reason         text NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    ref_type       text NOT NULL DEFAULT '' CHECK (length(ref_type) <= 32),
    ref_id         text NOT NULL DEFAULT '' CHECK (length(ref_id) <= 64),
    principal      text NOT NULL,
    on_hand_after  bigint NOT NULL CHECK (on_hand_after >= 0),
    reserved_after bigint NOT NULL CHECK (reserved_after >= 0),
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT movements_stock_fkey FOREIGN KEY (store_id, product_id)
        REFERENCES inventory.stock (store_id, product_id)
);
CREATE INDEX movements_stock_idx ON inventory.movements (store_id, product_id, created_at);
CREATE INDEX movements_product_idx ON inventory.movements (product_id, created_at);
CREATE INDEX movements_type_time_idx ON inventory.movements (type, created_at);
CREATE INDEX movements_ref_idx ON inventory.movements (ref_type, ref_id) WHERE ref_id <> '';

CREATE FUNCTION inventory.movements_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'inventory.movements is append-only: correct a mistake with a new movement'
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER movements_no_update BEFORE UPDATE OR DELETE ON inventory.movements
    FOR EACH ROW EXECUTE FUNCTION inventory.movements_append_only();
CREATE TRIGGER movements_no_truncate BEFORE TRUNCATE ON inventory.movements
    FOR EACH STATEMENT EXECUTE FUNCTION inventory.movements_append_only();

-- A sale's stock commit, keyed by the sale's id: the lines it took (as a
-- canonical text, to tell a retry from a different request under the same
-- id) and the reply it gave, returned again to a retry.
CREATE TABLE inventory.stock_commits (
    sale_id     text PRIMARY KEY CHECK (length(sale_id) BETWEEN 1 AND 64),
    lines_key   text NOT NULL,
    status      text NOT NULL DEFAULT 'committed' CHECK (status IN ('committed', 'reversed')),
    reply       text NOT NULL,
    principal   text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    reversed_at timestamptz,
    reverse_reply text
);

CREATE TABLE inventory.transfers (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_store_id bigint NOT NULL REFERENCES inventory.stores (id),
    to_store_id   bigint NOT NULL REFERENCES inventory.stores (id),
    status        text NOT NULL DEFAULT 'requested'
                  CHECK (status IN ('requested', 'shipped', 'received', 'cancelled')),
    note          text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    shipped_at    timestamptz,
    received_at   timestamptz,
    cancelled_at  timestamptz,
    CONSTRAINT transfers_other_store CHECK (from_store_id <> to_store_id)
);
CREATE INDEX transfers_from_idx ON inventory.transfers (from_store_id, id);
CREATE INDEX transfers_to_idx ON inventory.transfers (to_store_id, id);

CREATE TABLE inventory.transfer_lines (
    transfer_id bigint NOT NULL REFERENCES inventory.transfers (id),
    product_id  bigint NOT NULL REFERENCES inventory.products (id),
    quantity    bigint NOT NULL CHECK (quantity > 0),
    received    bigint CHECK (received >= 0),
    reason      text NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    PRIMARY KEY (transfer_id, product_id)
);

CREATE TABLE inventory.reservations (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store_id    bigint NOT NULL,
    product_id  bigint NOT NULL,
    quantity    bigint NOT NULL CHECK (quantity > 0),
    status      text NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'released', 'expired')),
    reference   text NOT NULL DEFAULT '' CHECK (length(reference) <= 64),
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    released_at timestamptz,
    CONSTRAINT reservations_stock_fkey FOREIGN KEY (store_id, product_id)
        REFERENCES inventory.stock (store_id, product_id)
);
CREATE INDEX reservations_expiry_idx ON inventory.reservations (expires_at) WHERE status = 'active';
