-- Execution history: one row per run and series (a run without series, e.g. a failure, has one row
-- with series_key ''). A table, not events: a KPI every minute is 500k rows a year.
CREATE TABLE executions (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id              text NOT NULL,
  kpi_id              text NOT NULL,
  series_key          text NOT NULL DEFAULT '',
  trigger             text NOT NULL,
  slot_at             timestamptz NOT NULL,
  window_start        timestamptz NOT NULL,
  window_end          timestamptz NOT NULL,
  started_at          timestamptz NOT NULL,
  finished_at         timestamptz NOT NULL,
  duration_ms         integer NOT NULL,
  status              text NOT NULL,
  value               double precision,
  baseline            double precision,
  baseline_source     text,
  baseline_windows    integer NOT NULL DEFAULT 0,
  deviation_percent   double precision,
  outcome             text,
  reasons             jsonb,
  no_judgement_reason text,
  error               text,
  rows_returned       integer NOT NULL DEFAULT 0,
  node_id             text NOT NULL,
  trace_id            text
);
-- Baseline look-ups: the nearest successful value of a key around a past window end.
CREATE INDEX executions_baseline ON executions (kpi_id, series_key, window_end) WHERE status = 'success';
-- History listing (newest first, cursor on id) and statistics per KPI.
CREATE INDEX executions_kpi ON executions (kpi_id, id);
-- Retention deletes by age.
CREATE INDEX executions_started ON executions (started_at);

-- The scheduler's row per KPI: the next slot, the lease of a running slot, and the run state that
-- decides significant events. Separate from `kpis` so that claiming never contends with KPI edits.
CREATE TABLE kpi_runs (
  kpi_id              text PRIMARY KEY REFERENCES kpis (id) ON DELETE CASCADE,
  kpi_version         integer NOT NULL DEFAULT 0,
  schedule_signature  text NOT NULL DEFAULT '',
  next_run_at         timestamptz,
  lease_token         text,
  lease_owner         text,
  lease_until         timestamptz,
  running_slot        timestamptz,
  running_since       timestamptz,
  attempt             integer NOT NULL DEFAULT 0,
  last_run_at         timestamptz,
  last_status         text,
  last_value          double precision,
  last_error          text,
  breaching_keys      text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX kpi_runs_due ON kpi_runs (next_run_at) WHERE running_slot IS NULL;
CREATE INDEX kpi_runs_leases ON kpi_runs (lease_until) WHERE running_slot IS NOT NULL;

-- One row per node: the heartbeat that the status API shows.
CREATE TABLE scheduler_nodes (
  node_id        text PRIMARY KEY,
  hostname       text NOT NULL,
  pid            integer NOT NULL,
  role           text NOT NULL,
  started_at     timestamptz NOT NULL,
  heartbeat_at   timestamptz NOT NULL,
  running        integer NOT NULL DEFAULT 0,
  counters       jsonb NOT NULL DEFAULT '{}',
  stopped_at     timestamptz
);
