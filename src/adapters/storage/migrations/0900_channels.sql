-- Notification channels configured through the API (issue 18): the read model of the channel-<id> streams.
-- settings holds what is not secret; the secrets (integration keys, bot tokens, webhook URLs) are one
-- sealed JSON object (AES-256-GCM, like data-source passwords); secret_names says which are set.
CREATE TABLE channels (
  id              text PRIMARY KEY,
  name            text NOT NULL UNIQUE,
  kind            text NOT NULL,
  settings        jsonb NOT NULL,
  sealed_secrets  text,
  secret_names    jsonb NOT NULL,
  kpis            jsonb,
  owners          jsonb,
  active          boolean NOT NULL,
  version         integer NOT NULL,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);
