-- When each product row of the read copy was last applied, so the lag from
-- a change in inventory (its updated_at) to the copy can be measured.
ALTER TABLE analytics.products ADD COLUMN applied_at timestamptz NOT NULL DEFAULT now();
