-- Routing (issue 19): the read models of the team-<id>, route-<id> and defaultroute-default streams,
-- and the labels routing rules match on. Member, channel and team ids are jsonb arrays: there are few
-- teams and rules, and "who names this id" is a containment query (`@>`) over a handful of rows.
CREATE TABLE teams (
  id           text PRIMARY KEY,
  name         text NOT NULL UNIQUE,
  description  text,
  members      jsonb NOT NULL,
  channels     jsonb NOT NULL,
  version      integer NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);

-- escalation_chain_id has no foreign key yet: the chains' table comes with the escalation work.
CREATE TABLE routes (
  id                   text PRIMARY KEY,
  name                 text NOT NULL,
  position             integer NOT NULL,
  match                jsonb NOT NULL,
  teams                jsonb NOT NULL,
  channels             jsonb NOT NULL,
  escalation_chain_id  text,
  continue             boolean NOT NULL,
  version              integer NOT NULL,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL
);
CREATE INDEX routes_order ON routes (position, id);

-- One row at most (id 'default'); absent = never set: no teams, no channels.
CREATE TABLE default_route (
  id                   text PRIMARY KEY CHECK (id = 'default'),
  teams                jsonb NOT NULL,
  channels             jsonb NOT NULL,
  escalation_chain_id  text,
  version              integer NOT NULL,
  updated_at           timestamptz NOT NULL
);

ALTER TABLE kpis ADD COLUMN labels jsonb NOT NULL DEFAULT '{}'::jsonb;
