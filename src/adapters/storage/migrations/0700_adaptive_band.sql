-- The adaptive band (core/detection): a KPI's sensitivity, the percentage rule optional.
ALTER TABLE kpis ADD COLUMN sensitivity text, ALTER COLUMN deviation_percent DROP NOT NULL;

-- Every judgement records what it stood on: the seasonal part of its baseline, the range the rules
-- accepted, where they came from, and whether it is kept out of later baselines.
ALTER TABLE executions
  ADD COLUMN seasonal  double precision,
  ADD COLUMN band_low  double precision,
  ADD COLUMN band_high double precision,
  ADD COLUMN basis     jsonb,
  ADD COLUMN anomalous boolean NOT NULL DEFAULT false;
-- The level of a series: its latest runs that were no anomaly.
CREATE INDEX executions_level ON executions (kpi_id, series_key, window_end DESC) WHERE status = 'success' AND NOT anomalous;

-- What the detector keeps per series between runs (scales, magnitude, the incident in progress).
CREATE TABLE series_models (
  kpi_id      text NOT NULL REFERENCES kpis (id) ON DELETE CASCADE,
  series_key  text NOT NULL,
  model       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (kpi_id, series_key)
);

-- An alert keeps the range its rules accepted when it opened (null for a "KPI failing" alert).
ALTER TABLE alerts ADD COLUMN band jsonb;

-- Breach alerts open and resolve on the detector's incidents; only the failure streak stays here.
ALTER TABLE alert_counters DROP COLUMN breach_streak, DROP COLUMN normal_streak;
