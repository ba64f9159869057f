-- tm-gateway: users, API keys, refresh tokens and the audit log of writes.
-- Owned and written only by tm-gateway.
CREATE SCHEMA gateway;

CREATE TABLE gateway.users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name          text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    role          text NOT NULL CHECK (role IN ('admin', 'store_manager', 'buyer', 'analyst',
                                                'fraud_analyst', 'viewer')),
    stores        bigint[] NOT NULL DEFAULT '{}',
    password_hash text NOT NULL,
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON gateway.users (lower(email));

-- An API key is "tmk_<prefix>_<secret>"; only the secret's SHA-256 is kept.
CREATE TABLE gateway.api_keys (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    prefix      text NOT NULL UNIQUE,
    secret_hash text NOT NULL,
    role        text NOT NULL DEFAULT 'pos' CHECK (role = 'pos'),
    stores      bigint[] NOT NULL DEFAULT '{}',
    active      boolean NOT NULL DEFAULT true,
    created_by  bigint REFERENCES gateway.users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    disabled_at timestamptz
);

-- Refresh tokens rotate: each use issues a child in the same family; using
-- one twice revokes the family. Only the token's SHA-256 is kept.
CREATE TABLE gateway.refresh_tokens (
    token_hash text PRIMARY KEY,
    family     text NOT NULL,
    user_id    bigint NOT NULL REFERENCES gateway.users (id),
    issued_at  timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    revoked_at timestamptz
);
CREATE INDEX refresh_tokens_family_idx ON gateway.refresh_tokens (family);
CREATE INDEX refresh_tokens_user_idx ON gateway.refresh_tokens (user_id);

-- Every write through the gateway, refused ones included. Append-only: the
-- triggers below refuse UPDATE, DELETE and TRUNCATE to every role the
-- application connects as.
CREATE TABLE gateway.audit (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    request_id     text NOT NULL,
    method         text NOT NULL,
    path           text NOT NULL,
    principal_kind text NOT NULL,
    principal_id   text NOT NULL,
    role           text NOT NULL,
    target_ids     text NOT NULL DEFAULT '',
    status         integer NOT NULL,
    source_addr    text NOT NULL
);
CREATE INDEX audit_at_idx ON gateway.audit (at);
CREATE INDEX audit_principal_idx ON gateway.audit (principal_id, id);

CREATE FUNCTION gateway.audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'gateway.audit is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON gateway.audit
    FOR EACH ROW EXECUTE FUNCTION gateway.audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON gateway.audit
    FOR EACH STATEMENT EXECUTE FUNCTION gateway.audit_append_only();
