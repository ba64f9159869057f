-- Forecasts stay fresh (issue 19): every movement that changes a level's on
-- hand marks the level's forecast due, in the same UPDATE of the level
-- (inv_db_move), and the forecast-refresh job works through the due levels a
-- batch at a time (docs/forecasting.md, "Keeping forecasts fresh").
--   demand_moved_at  when the level's on hand last moved (the writing
--                    transaction's time); a refresh clears the mark only
--                    when it is still the one the refresh read
--   forecast_due_on  the first UTC day on which the level's stored forecast
--                    lacks a movement: the day after the earliest movement
--                    not yet in it, for a series holds the whole UTC days
--                    before today (a movement dated today is due tomorrow,
--                    one dated yesterday at once); NULL: nothing pending
--   forecast_at      when the level's store series was last refreshed
--                    (stored, or left out for too little history)
ALTER TABLE inventory.stock
    ADD COLUMN demand_moved_at timestamptz,
    ADD COLUMN forecast_due_on date,
    ADD COLUMN forecast_at     timestamptz;
CREATE INDEX stock_forecast_due_idx ON inventory.stock (forecast_due_on, product_id, store_id)
    WHERE forecast_due_on IS NOT NULL;

-- levels that moved within the forecast window before this migration: due
-- today, once
UPDATE inventory.stock s
   SET forecast_due_on = (now() AT TIME ZONE 'UTC')::date, demand_moved_at = now()
 WHERE EXISTS (SELECT 1 FROM inventory.movements m
                WHERE m.store_id = s.store_id AND m.product_id = s.product_id
                  AND m.quantity <> 0 AND m.created_at >= now() - interval '730 days');
