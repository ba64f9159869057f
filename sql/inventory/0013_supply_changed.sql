-- tm-inventory: when tm-supplier last changed an offer of the level's
-- product (offer.created, offer.updated, offer.deleted, applied by
-- po_apply.c). The reorder policy reads the chosen supplier's terms and a
-- suggestion names its supplier (or says none offers the product), so the
-- reorder-scan job takes such a level again before the least recently
-- scanned: first when it shows a live suggestion, else with the levels
-- never scanned or whose stock moved (docs/reorder.md, "The reorder-scan
-- job"). NULL: no change seen.
ALTER TABLE inventory.stock ADD COLUMN supply_changed_at timestamptz;
-- The suggestions that say no supplier offers their product, made before
-- this column existed: taken first by the next run, as an offer event would.
UPDATE inventory.stock s SET supply_changed_at = now()
  FROM inventory.reorder_suggestions g
 WHERE g.store_id = s.store_id AND g.product_id = s.product_id AND g.status = 'no_supplier';
