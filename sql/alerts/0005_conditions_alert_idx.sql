-- Resolving an alert frees its condition (UPDATE ... WHERE alert_id = $1),
-- and locks it first (docs/alerts.md "Alerts": a condition before its
-- alert, the order the evaluation takes): both find it by alert_id.
CREATE INDEX conditions_alert_idx ON alerts.conditions (alert_id) WHERE alert_id IS NOT NULL;
