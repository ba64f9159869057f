-- The events tm-@schema@ has written but not yet numbered (common/outbox,
-- docs/architecture.md "Events"). A writer inserts its event here in the
-- transaction of the change it describes, taking no shared row: id comes
-- from a sequence, which never waits. The elected publisher is the only
-- sequencer: in one statement it moves committed rows, in id order, into
-- the outbox table with seq = outbox_seq.last + 1, + 2, … and moves last on.
-- A rolled-back writer's row is never seen, so seq stays gap-free; the
-- counter row is now taken by the sequencer alone (outbox.sql's note on it
-- describes the writers before this table).
CREATE TABLE @schema@.outbox_pending (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic text NOT NULL,
    ts    timestamptz NOT NULL DEFAULT now(),
    data  jsonb NOT NULL
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000);
