-- What each open purchase order still brings to a level, and when the
-- supplier said it would arrive (issue 19): the reorder policy nets only the
-- units due within the lead time. Kept from tm-supplier's purchase-order
-- events beside inventory.stock.incoming (their sum over a level's open POs,
-- for POs applied since this table exists).
CREATE TABLE inventory.incoming_po (
    po_id             bigint NOT NULL,
    store_id          bigint NOT NULL,
    product_id        bigint NOT NULL,
    units             bigint NOT NULL CHECK (units >= 0),
    expected_delivery date,
    PRIMARY KEY (po_id, product_id)
);
CREATE INDEX incoming_po_level_idx ON inventory.incoming_po (store_id, product_id);
