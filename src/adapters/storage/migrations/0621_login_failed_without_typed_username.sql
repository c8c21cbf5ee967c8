-- A failed login with an unknown username kept what was typed (issue 12), perhaps a password typed
-- into the username field. The events forget it, as LoginFailed for unknown users is written now
-- (username null). The audit trail had made it the display name of the `security` entity (events that
-- name no user or key), shown in the sentence of every such entry after it: those sentences say what
-- the projection writes without a name, and the name is gone.
UPDATE events
   SET data = jsonb_set(data, '{username}', 'null'::jsonb)
 WHERE stream_id = 'security' AND type = 'LoginFailed'
   AND data->>'userId' IS NULL AND jsonb_typeof(data->'username') = 'string';
UPDATE audit_entries
   SET summary = regexp_replace(summary, '\(security ".*"\)', '(security )')
 WHERE entity_type = 'security' AND entity_id = '' AND summary LIKE '%(security "%';
DELETE FROM audit_entity_names WHERE entity_type = 'security' AND entity_id = '';
