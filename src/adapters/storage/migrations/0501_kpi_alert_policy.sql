-- A KPI's own alert policy: each column overrides one global ALERT_* setting; NULL = the global setting.
ALTER TABLE kpis
  ADD COLUMN pending_executions       integer,
  ADD COLUMN resolve_after_executions integer,
  ADD COLUMN failing_after_failures   integer,
  ADD COLUMN reminder_minutes         integer,
  ADD COLUMN escalate_after_minutes   integer;
