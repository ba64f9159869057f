-- The units sold recently that levels show (sold_recent, issue 22): one
-- index-only scan per level over just its sales, instead of an index scan of
-- every movement of the level and a heap fetch per row to read type and
-- quantity.
CREATE INDEX movements_sold_idx ON inventory.movements (store_id, product_id, created_at)
    INCLUDE (quantity) WHERE type = 'sale';
