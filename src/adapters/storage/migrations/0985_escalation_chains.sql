-- Escalation chains (issue 19): the read model of the escalationchain-<id> streams, and on each alert
-- the chain fixed on it when it opened with how far it got (null = no chain: the single escalation applies).
CREATE TABLE escalation_chains (
  id          text PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  steps       jsonb NOT NULL,
  version     integer NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);

ALTER TABLE alerts ADD COLUMN escalation jsonb;
