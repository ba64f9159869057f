--@replaces 5f66dc9a1f81f6d94cb8458da83476be13d22f28866e43bf65af414d886ad0ca
-- tm-gateway: durable token revocations, anonymous refusals as counters,
-- audit retention, and the gateway's scheduled jobs (issue 16, items 3, 6, 7).

-- Revocations: PostgreSQL is the truth; Redis holds a copy (tm:revoked:*)
-- that the gateway rebuilds from here when Redis comes back empty, and the
-- gateway asks this table itself while Redis is down. A token is refused
-- when a row names its user, its jti or its session (refresh family) and it
-- was issued at or before before_ms.
CREATE TABLE gateway.revocations (
    kind       text NOT NULL CHECK (kind IN ('user', 'jti', 'sid')),
    subject    text NOT NULL CHECK (length(subject) BETWEEN 1 AND 64),
    before_ms  bigint NOT NULL,       -- epoch milliseconds
    expires_at timestamptz NOT NULL,  -- no token this row refuses is valid after it
    PRIMARY KEY (kind, subject)
);
CREATE INDEX revocations_expires_idx ON gateway.revocations (expires_at);

-- Refusals of anonymous requests (no or invalid credentials) answered by
-- the gateway itself: one counter per source address, minute and status
-- instead of one audit row each, so a flood cannot grow the log.
CREATE TABLE gateway.audit_refusals (
    id          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    minute      timestamptz NOT NULL,
    source_addr text NOT NULL,
    status      integer NOT NULL,
    n           bigint NOT NULL DEFAULT 1 CHECK (n > 0),
    last_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (minute, source_addr, status)
);

-- The audit log stays append-only, with one exception: the retention job
-- (which sets gateway.audit_prune for its own transaction) may delete rows
-- older than a day. Nothing may change a row, nor remove a recent one.
CREATE OR REPLACE FUNCTION gateway.audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('gateway.audit_prune', true) = 'on'
       AND OLD.at < now() - interval '1 day' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'gateway.audit is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

--@plumbing jobs
