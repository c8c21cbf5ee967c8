-- Contact names become unique, so that a configuration file (issue 17) can name a KPI's contacts.
-- Each duplicate but the oldest gets the suffix " (2)", " (3)" ... in order of creation (or its id, where
-- that name is taken too), with a ContactUpdated event (actor system:migration) so that replay and the
-- audit trail agree with the table. The renamed contacts are listed in the audit trail under the
-- correlation id migration-0920-unique-contact-names.
WITH ranked AS (
  SELECT id, name, row_number() OVER (PARTITION BY name ORDER BY created_at, id) AS n FROM contacts
), renamed AS (
  SELECT r.id, r.name AS old_name,
         CASE WHEN EXISTS (SELECT 1 FROM contacts c WHERE c.name = r.name || ' (' || r.n || ')')
              THEN r.name || ' (' || r.id || ')' ELSE r.name || ' (' || r.n || ')' END AS new_name
    FROM ranked r WHERE r.n > 1
), moved AS (
  UPDATE contacts c SET name = r.new_name, version = c.version + 1, updated_at = now()
    FROM renamed r WHERE c.id = r.id
  RETURNING c.id, c.version, r.old_name, r.new_name
), streams_moved AS (
  UPDATE streams s SET version = m.version FROM moved m WHERE s.stream_id = 'contact-' || m.id
)
INSERT INTO events (stream_id, stream_version, type, data, metadata, recorded_at)
SELECT 'contact-' || id, version, 'ContactUpdated',
       jsonb_build_object('id', id, 'changes', jsonb_build_object('name', jsonb_build_object('from', old_name, 'to', new_name))),
       jsonb_build_object('actor', 'system:migration', 'correlationId', 'migration-0920-unique-contact-names'),
       now()
  FROM moved;

CREATE UNIQUE INDEX contacts_name_unique ON contacts (name);
