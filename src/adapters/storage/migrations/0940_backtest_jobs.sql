-- Backtest jobs (issue 14): a long backtest runs on one node; its status, progress and result are here so
-- that any node answers GET /kpis/{id}/backtest/{jobId}, and a DELETE on any node asks it to stop.
-- Results are kept for an hour after the job ends (expires_at); rows past it are deleted as jobs start.
CREATE TABLE backtest_jobs (
  id               text PRIMARY KEY,
  kpi_id           text,
  owner            text NOT NULL,
  node_id          text NOT NULL,
  status           text NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
  progress_done    integer NOT NULL DEFAULT 0,
  progress_total   integer NOT NULL DEFAULT 0,
  cancel_requested boolean NOT NULL DEFAULT false,
  started_at       timestamptz NOT NULL,
  finished_at      timestamptz,
  expires_at       timestamptz,
  error            text,
  report           jsonb
);
CREATE INDEX backtest_jobs_expires ON backtest_jobs (expires_at) WHERE expires_at IS NOT NULL;
