-- Silences (issue 16): the read model of the silence-<id> streams. state: active (until it is ended by
-- hand or expires), ended, expired. An alert a silence holds carries its id and its end.
CREATE TABLE silences (
  id           text PRIMARY KEY,
  kpi_ids      jsonb,
  owner        text,
  key_pattern  text,
  priority     smallint,
  severity     text,
  starts_at    timestamptz NOT NULL,
  ends_at      timestamptz NOT NULL,
  comment      text NOT NULL,
  created_by   text NOT NULL,
  state        text NOT NULL,
  version      integer NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);
CREATE INDEX silences_active ON silences (ends_at) WHERE state = 'active';

ALTER TABLE alerts ADD COLUMN silence_id text;
ALTER TABLE alerts ADD COLUMN silenced_until timestamptz;
CREATE INDEX alerts_silence ON alerts (silence_id) WHERE silence_id IS NOT NULL;
