-- Issue 23: who rang the sale up and who voided it, and how the void was
-- scored (voids are scored with the rule set's void rules: docs/fraud.md,
-- "A void"). operator is the cashier's id as the POS knows it; void_operator
-- is the one the void named, else the authenticated principal. A void scored
-- review goes through and is flagged here; one scored decline changes nothing.
ALTER TABLE txn.transactions
    ADD COLUMN operator text CHECK (operator ~ '^[A-Za-z0-9._-]{1,64}$'),
    ADD COLUMN void_operator text CHECK (length(void_operator) BETWEEN 1 AND 128),
    ADD COLUMN void_rule_set_version integer REFERENCES txn.rule_sets (version),
    ADD COLUMN void_score double precision,
    ADD COLUMN void_decision text CHECK (void_decision IN ('approve', 'review', 'decline')),
    ADD COLUMN void_reasons jsonb,        -- fired void rules, as reasons
    ADD COLUMN void_not_evaluated jsonb;  -- void rules whose facts were unavailable

-- The fraud analysts' list of flagged voids (GET /api/v1/transactions?void_flagged=true).
CREATE INDEX transactions_void_flagged_idx ON txn.transactions (id)
    WHERE void_decision IS NOT NULL AND void_decision <> 'approve';

-- The store profile's 90th percentile of log(total) (a customer's first
-- purchase is judged against it), and the row store_id = 0: the profile of
-- every store's recent sales together (the population), refreshed by the
-- same store-profiles job.
ALTER TABLE txn.store_profiles ADD COLUMN q90_log double precision NOT NULL DEFAULT 0;
