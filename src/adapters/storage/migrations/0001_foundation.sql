-- The event store: the system of record for every change.
-- transaction_id lets readers never skip an event whose transaction commits after a later position's
-- (see adapters/event-store/read-all.ts).
CREATE TABLE events (
  position        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       text NOT NULL,
  stream_version  integer NOT NULL,
  type            text NOT NULL,
  data            jsonb NOT NULL,
  metadata        jsonb NOT NULL,
  recorded_at     timestamptz NOT NULL,
  UNIQUE (stream_id, stream_version)
);
CREATE INDEX events_commit_order ON events (transaction_id, position);

-- One row per stream holding its version: appends lock it, so concurrent writers serialise per stream.
CREATE TABLE streams (
  stream_id  text PRIMARY KEY,
  version    integer NOT NULL
);

-- Read model: current state, updated in the same transaction as the events.
CREATE TABLE data_sources (
  id                    text PRIMARY KEY,
  name                  text NOT NULL UNIQUE,
  kind                  text NOT NULL,
  host                  text,
  port                  integer,
  database_name         text,
  username              text,
  password_env          text,
  sealed_password       text,
  ssl                   boolean NOT NULL DEFAULT false,
  file_path             text,
  statement_timeout_ms  integer NOT NULL,
  max_connections       integer NOT NULL,
  version               integer NOT NULL,
  created_at            timestamptz NOT NULL,
  updated_at            timestamptz NOT NULL
);

CREATE TABLE contacts (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  email       text,
  phone       text,
  active      boolean NOT NULL,
  version     integer NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);

CREATE TABLE kpis (
  id                    text PRIMARY KEY,
  indicator             text NOT NULL UNIQUE,
  owner                 text NOT NULL,
  priority              smallint NOT NULL,
  frequency_minutes     integer,
  cron                  text,
  timezone              text NOT NULL,
  last_minutes          integer NOT NULL,
  deviation_percent     double precision NOT NULL,
  direction             text NOT NULL,
  min_threshold         double precision,
  max_threshold         double precision,
  threshold_combine     text NOT NULL,
  baseline_weeks        integer NOT NULL,
  baseline_aggregate    text NOT NULL,
  data_source_id        text NOT NULL REFERENCES data_sources (id),
  query                 text NOT NULL,
  subject_template      text NOT NULL,
  description_template  text NOT NULL,
  contact_ids           text[] NOT NULL,
  cooldown_minutes      integer NOT NULL,
  timeout_seconds       integer NOT NULL,
  active                boolean NOT NULL,
  version               integer NOT NULL,
  created_at            timestamptz NOT NULL,
  updated_at            timestamptz NOT NULL
);
CREATE INDEX kpis_owner ON kpis (owner);
CREATE INDEX kpis_contact_ids ON kpis USING gin (contact_ids);
