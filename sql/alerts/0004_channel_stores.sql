-- A channel may serve some stores only (docs/alerts.md "Escalation and
-- notification"): an escalation step naming a role reaches a channel with
-- store_ids only for alerts of those stores. A channel serving a
-- store-scoped role (store_manager, pos) must name its stores, so no store's
-- alerts reach another store's people.
ALTER TABLE alerts.channels
    ADD COLUMN store_ids bigint[] NOT NULL DEFAULT '{}'
        CHECK (cardinality(store_ids) <= 64 AND 0 < ALL (store_ids));
