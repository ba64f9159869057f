-- Review 23b (M1, M2, L1). Every scored try to void a sale, kept as it was
-- scored: an override stamps the declined attempt (who, when, why) and
-- never rewrites it. The newest attempt of a completed sale is its void's
-- decision: tm-txn commits it before it asks tm-inventory to return the
-- stock, and a retry of the void finishes that decision instead of scoring
-- again (docs/fraud.md, "A void").
CREATE TABLE txn.void_attempts (
    id               bigserial PRIMARY KEY,
    transaction_id   bigint NOT NULL REFERENCES txn.transactions (id),
    operator         text NOT NULL CHECK (length(operator) BETWEEN 1 AND 128),
    principal        text NOT NULL CHECK (length(principal) BETWEEN 1 AND 128),
    rule_set_version integer REFERENCES txn.rule_sets (version), -- NULL: no rule set, not scored
    score            double precision,
    decision         text NOT NULL CHECK (decision IN ('approve', 'review', 'decline')),
    reasons          jsonb,                -- fired void rules, as reasons
    not_evaluated    jsonb,                -- void rules whose facts were unavailable
    at               timestamptz NOT NULL DEFAULT now(),
    overridden_by    text CHECK (length(overridden_by) BETWEEN 1 AND 128),
    overridden_at    timestamptz,
    override_reason  text CHECK (length(override_reason) BETWEEN 1 AND 500),
    CHECK ((overridden_by IS NULL) = (overridden_at IS NULL)
           AND (overridden_by IS NULL) = (override_reason IS NULL)),
    CHECK (overridden_by IS NULL OR decision = 'decline')
);
CREATE INDEX void_attempts_sale_idx ON txn.void_attempts (transaction_id, id);

-- The voids scored before this table, as their one attempt (the principal
-- was not recorded then).
INSERT INTO txn.void_attempts (transaction_id, operator, principal, rule_set_version, score,
                               decision, reasons, not_evaluated, at)
SELECT id, COALESCE(void_operator, 'unrecorded'), 'unrecorded', void_rule_set_version, void_score,
       void_decision, void_reasons, void_not_evaluated, COALESCE(voided_at, now())
FROM txn.transactions WHERE void_decision IS NOT NULL ORDER BY id;

-- L1: the customer's newest sales not declined (the facts' last-50 read)
-- without reading past the declined attempts piled on that customer.
CREATE INDEX transactions_customer_live_idx ON txn.transactions (customer_id, id)
    WHERE status <> 'declined';
