-- Creations and deletions listed every unset field as null -> null, so a search by field found every
-- creation. The audit projection leaves them out now (core/audit/describe-event.ts); this removes them
-- from the entries it wrote before, so that a replay of the trail finds the same entries.
UPDATE audit_entries
   SET changes = (SELECT coalesce(jsonb_object_agg(field, change), '{}'::jsonb)
                    FROM jsonb_each(changes) AS c(field, change)
                   WHERE change <> '{"from": null, "to": null}'::jsonb)
 WHERE changes IS NOT NULL
   AND event_type ~ '(Created|Deleted)$'
   AND EXISTS (SELECT 1 FROM jsonb_each(changes) AS c(field, change) WHERE change = '{"from": null, "to": null}'::jsonb);
