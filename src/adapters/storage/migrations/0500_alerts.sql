-- Alerting: counters per series and per KPI, the alert log (read model of the alert-<id> streams),
-- and the notification outbox that delivery workers on every node drain.

-- Breach streaks per KPI and key (scope 'series'); failure streaks per KPI (scope 'kpi', key '').
-- The cooldown is not here: it starts at the latest alerts.last_notified_at of the series, so that the
-- timer worker, which holds alert rows, never needs a counter row (no lock-order cycle with executions).
CREATE TABLE alert_counters (
  kpi_id            text NOT NULL,
  scope             text NOT NULL,
  key               text NOT NULL,
  breach_streak     integer NOT NULL DEFAULT 0,
  normal_streak     integer NOT NULL DEFAULT 0,
  failure_streak    integer NOT NULL DEFAULT 0,
  PRIMARY KEY (kpi_id, scope, key)
);

CREATE TABLE alerts (
  id                 text PRIMARY KEY,
  kind               text NOT NULL,
  kpi_id             text NOT NULL,
  indicator          text NOT NULL,
  key                text NOT NULL,
  status             text NOT NULL,
  severity           text NOT NULL,
  priority           smallint NOT NULL,
  execution_id       text NOT NULL,
  opened_at          timestamptz NOT NULL,
  value              double precision,
  baseline           double precision,
  deviation_percent  double precision,
  thresholds         jsonb NOT NULL,
  reasons            jsonb NOT NULL,
  error              text,
  subject            text NOT NULL,
  body               text NOT NULL,
  opening_notified   boolean NOT NULL,
  notify_at          timestamptz,
  last_notified_at   timestamptz,
  escalated_at       timestamptz,
  acknowledged_at    timestamptz,
  acknowledged_by    text,
  acknowledge_note   text,
  resolved_at        timestamptz,
  resolved_by        text,
  resolve_note       text,
  resolution         text,
  next_timer_at      timestamptz,
  version            integer NOT NULL
);
-- At most one active alert per KPI, key and kind: the backstop for the state machine's "unless one is open".
CREATE UNIQUE INDEX alerts_one_active ON alerts (kpi_id, key, kind) WHERE status <> 'resolved';
CREATE INDEX alerts_kpi ON alerts (kpi_id, id);
CREATE INDEX alerts_series ON alerts (kpi_id, key, kind, last_notified_at);
CREATE INDEX alerts_status ON alerts (status, id);
CREATE INDEX alerts_opened_at ON alerts (opened_at);
CREATE INDEX alerts_timer ON alerts (next_timer_at) WHERE next_timer_at IS NOT NULL;

-- The outbox. status: pending (to send, due at next_attempt_at), sent, dead (no attempt left).
-- claimed_until is a lease: a worker that dies mid-send gives the row back when it runs out.
CREATE TABLE notifications (
  id               text PRIMARY KEY,
  alert_id         text NOT NULL,
  kpi_id           text NOT NULL,
  purpose          text NOT NULL,
  channel          text NOT NULL,
  recipient        text NOT NULL,
  contact_id       text,
  subject          text NOT NULL,
  body             text NOT NULL,
  payload          jsonb,
  status           text NOT NULL DEFAULT 'pending',
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz,
  claimed_until    timestamptz,
  last_error       text,
  created_at       timestamptz NOT NULL,
  sent_at          timestamptz
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notifications_alert ON notifications (alert_id, id);
CREATE INDEX notifications_status ON notifications (status, id);
