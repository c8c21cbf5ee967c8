-- Where each durable subscription stands in the commit order of the events (see read-all.ts).
-- A subscription locks its row while it handles a batch, so on several nodes one processes at a time.
CREATE TABLE subscription_checkpoints (
  name            text PRIMARY KEY,
  transaction_id  xid8 NOT NULL DEFAULT '0',
  position        bigint NOT NULL DEFAULT 0,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- The audit trail: one row per event, kept by the audit projection (a subscription), shaped for search.
CREATE TABLE audit_entries (
  position        bigint PRIMARY KEY,          -- the event's position in the event store
  recorded_at     timestamptz NOT NULL,
  event_type      text NOT NULL,
  entity_type     text NOT NULL,               -- kpi, contact, datasource, ... (the stream's prefix)
  entity_id       text NOT NULL,
  entity_version  integer NOT NULL,
  actor           text NOT NULL,
  actor_kind      text NOT NULL,               -- user, apikey, system, anonymous
  client_ip       text,
  user_agent      text,
  correlation_id  text,
  causation_id    text,
  trace_id        text,
  summary         text NOT NULL,               -- a readable sentence
  changes         jsonb,                       -- {field: {from, to}}; never a secret
  search          tsvector GENERATED ALWAYS AS (
                    to_tsvector('simple', summary || ' ' || entity_id || ' ' || actor || ' ' || event_type)
                  ) STORED
);
-- Every list is newest first with keyset paging on (recorded_at, position): each filter a user picks
-- first has an index that yields rows already in that order, so a page reads ~limit rows.
CREATE INDEX audit_entries_time ON audit_entries (recorded_at DESC, position DESC);
CREATE INDEX audit_entries_entity ON audit_entries (entity_type, entity_id, recorded_at DESC, position DESC);
CREATE INDEX audit_entries_type ON audit_entries (event_type, recorded_at DESC, position DESC);
CREATE INDEX audit_entries_actor ON audit_entries (actor, recorded_at DESC, position DESC);
CREATE INDEX audit_entries_correlation ON audit_entries (correlation_id, recorded_at DESC, position DESC);
CREATE INDEX audit_entries_search ON audit_entries USING gin (search);

-- The display name of each entity as of the latest event the projection saw, so that a sentence can
-- say "KPI Deposits" for an event that carries only the id.
CREATE TABLE audit_entity_names (
  entity_type  text NOT NULL,
  entity_id    text NOT NULL,
  name         text NOT NULL,
  PRIMARY KEY (entity_type, entity_id)
);
