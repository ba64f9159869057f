-- tm-inventory: the levels at or under their reorder point, or out of
-- stock, by an index of just those rows (GET /api/v1/inventory/low-stock
-- and the dashboard's stock-summary, issue 22). Before it, each read
-- visited every level of the store (or of all stores) to keep the few low
-- ones: 1.4 ms of PostgreSQL for one store of 1,200 products and 6.6 ms
-- for all, most of a low-stock read.
--
-- `low` is stored, computed by PostgreSQL from the row itself, so no
-- writer can forget it. The index's key and predicate name store_id,
-- product_id and low only: a stock change that leaves a level on the same
-- side of its point changes no indexed value, so PostgreSQL still updates
-- the row in place (a HOT update, no index entry written), as it did
-- before the index existed. Only a level crossing its point writes to it.
ALTER TABLE inventory.stock ADD COLUMN low boolean NOT NULL GENERATED ALWAYS AS
    (on_hand - reserved <= reorder_point AND (reorder_point > 0 OR on_hand - reserved <= 0))
    STORED;
CREATE INDEX stock_low_idx ON inventory.stock (store_id, product_id) WHERE low;
