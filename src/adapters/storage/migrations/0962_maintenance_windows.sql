-- Maintenance windows (issue 16): the read model of the maintenancewindow-<id> streams, and the mark on
-- the history rows of runs inside one (the series history that baselines stand on skips them).
CREATE TABLE maintenance_windows (
  id                text PRIMARY KEY,
  name              text NOT NULL,
  kpi_ids           jsonb,
  owner             text,
  key_pattern       text,
  priority          smallint,
  cron              text,
  rrule             text,
  duration_minutes  integer NOT NULL,
  timezone          text NOT NULL,
  comment           text NOT NULL,
  created_by        text NOT NULL,
  active            boolean NOT NULL,
  version           integer NOT NULL,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL
);

ALTER TABLE executions ADD COLUMN maintenance_window_id text;
