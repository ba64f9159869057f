-- tm-alerts' default rules (docs/alerts.md "Default rules"): one for every
-- kind, any store, category and product, created by 'system' and routed to
-- no escalation policy (shown and published as alert.* events, notified to
-- no one until an admin gives them a policy: PUT /api/v1/alert-rules/{id}).
-- Thresholds are the documents' and an operator's usual starting points;
-- every rule is data and may be changed (a new version) or deleted.
INSERT INTO alerts.rules (id, version, name, kind, params, pending_s, severity, cooldown_s,
                          note, created_by)
SELECT nextval('alerts.rule_ids'), 1, name, kind, params::jsonb, pending_s, severity,
       cooldown_s, 'default rule', 'system'
FROM (SELECT * FROM (VALUES
    -- a level's stock: out (critical), low by reorder point or under 3 days
    -- of cover (critical under 1 day), more than a year of cover on hand (or
    -- stock the forecast sees no demand for)
    (1, 'Stock out', 'stock_out', '{}', 0, 'critical', 3600),
    (2, 'Low stock', 'low_stock', '{"days_of_cover": 3, "critical_days": 1}', 0, 'high', 3600),
    (3, 'Overstock', 'overstock', '{"days_of_cover": 365}', 0, 'low', 86400),
    -- stocked but unsold for 30 days; a day selling 1.5 x its forecast's bound
    (4, 'Slow moving', 'slow_moving', '{"days": 30}', 0, 'low', 604800),
    (5, 'Demand spike', 'demand_spike', '{"factor": 1.5}', 0, 'medium', 86400),
    -- a product's forecast no better than 1.5 x the naive one (MASE)
    (6, 'Forecast accuracy drop', 'forecast_accuracy', '{"mase": 1.5}', 0, 'low', 604800),
    -- a flagged sale waiting for review longer than 30 minutes
    (7, 'Sale waiting for review', 'review_waiting', '{"minutes": 30}', 0, 'high', 0),
    -- a supplier's API circuit open for a minute (a blip closes sooner)
    (8, 'Supplier API down', 'supplier_api_down', '{}', 60, 'high', 1800),
    (9, 'Purchase order overdue', 'po_overdue', '{"grace_days": 1}', 0, 'medium', 86400),
    (10, 'Stock ledger mismatch', 'ledger_mismatch', '{}', 0, 'critical', 0),
    (11, 'Job failing', 'job_failing', '{"failures": 2}', 0, 'high', 3600)
) AS v (n, name, kind, params, pending_s, severity, cooldown_s)
    ORDER BY n) AS d;
