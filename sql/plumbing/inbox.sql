-- Per event source, the last seq tm-@schema@ applied (common/subscriber), in
-- the same transaction as the event's effect, so an event is applied once.
CREATE TABLE @schema@.inbox (
    source     text PRIMARY KEY,
    last_seq   bigint NOT NULL DEFAULT 0,
    applied_at timestamptz NOT NULL DEFAULT now()
);
