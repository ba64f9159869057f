-- The events tm-@schema@ publishes (proto/events.md), written in the same
-- transaction as the change they describe (common/outbox). seq is gap-free
-- per source: it is taken from the single counter row, whose lock
-- serializes writers until they commit, so a rolled-back transaction gives
-- its number back and seq order is commit order.
CREATE TABLE @schema@.outbox (
    seq   bigint PRIMARY KEY,
    topic text NOT NULL,
    ts    timestamptz NOT NULL DEFAULT now(),
    data  jsonb NOT NULL
);

CREATE TABLE @schema@.outbox_seq (
    one       boolean PRIMARY KEY DEFAULT true CHECK (one),
    last      bigint NOT NULL DEFAULT 0, -- the last seq handed out
    published bigint NOT NULL DEFAULT 0  -- the last seq the publisher sent
);
INSERT INTO @schema@.outbox_seq DEFAULT VALUES;
