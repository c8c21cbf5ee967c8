-- Existing KPIs move to the new fields, each with a KpiUpdated event (actor system:migration) so that
-- replay and the audit trail agree with the table: a KPI on the old default rule (10 %) gets the
-- adaptive band at medium sensitivity instead, and, where it still has the old default description
-- (which spoke of "an accepted 10%"), the new one that names the rule and what it accepted. A KPI with
-- a percentage of its own keeps it (judged against the new baseline), gets no band and no event.
WITH moved AS (
  UPDATE kpis SET sensitivity = 'medium', deviation_percent = NULL, version = version + 1, updated_at = now(),
         description_template = CASE WHEN description_template = '{indicator} ({key}) is {current}; the baseline for this window is {baseline}, a deviation of {deviation}% against an accepted {threshold}%. Absolute limits: minimum {minimumThreshold}, maximum {maximumThreshold}. Window: the last {lastMinutes} minutes, checked {frequency}. Owner: {owner}. At {timestamp}. {link}'
                                     THEN '{indicator} ({key}) is {current}; the baseline for this window is {baseline}, a deviation of {deviation}%. The rule ({rule}) accepted {band}. Window: the last {lastMinutes} minutes, checked {frequency}. Owner: {owner}. At {timestamp}. {link}' ELSE description_template END
   WHERE deviation_percent = 10 AND sensitivity IS NULL
  RETURNING id, version, description_template
), streams_moved AS (
  UPDATE streams s SET version = m.version FROM moved m WHERE s.stream_id = 'kpi-' || m.id
)
INSERT INTO events (stream_id, stream_version, type, data, metadata, recorded_at)
SELECT 'kpi-' || id, version, 'KpiUpdated',
       jsonb_build_object('id', id, 'changes', jsonb_build_object(
         'sensitivity', jsonb_build_object('from', NULL, 'to', 'medium'),
         'deviationPercent', jsonb_build_object('from', 10, 'to', NULL))
         || CASE WHEN description_template = '{indicator} ({key}) is {current}; the baseline for this window is {baseline}, a deviation of {deviation}%. The rule ({rule}) accepted {band}. Window: the last {lastMinutes} minutes, checked {frequency}. Owner: {owner}. At {timestamp}. {link}'
                 THEN jsonb_build_object('descriptionTemplate', jsonb_build_object('from', '{indicator} ({key}) is {current}; the baseline for this window is {baseline}, a deviation of {deviation}% against an accepted {threshold}%. Absolute limits: minimum {minimumThreshold}, maximum {maximumThreshold}. Window: the last {lastMinutes} minutes, checked {frequency}. Owner: {owner}. At {timestamp}. {link}', 'to', description_template))
                 ELSE '{}'::jsonb END),
       jsonb_build_object('actor', 'system:migration', 'correlationId', 'migration-0701-adaptive-band'),
       now()
  FROM moved;
