-- Access control: users, their sessions (refresh-token families) and API keys.
-- No secret is stored in plain text: passwords as argon2id, refresh tokens and keys as SHA-256 hashes
-- (both are 190+ random bits, so a fast hash is enough; a password is not, hence argon2id).
CREATE TABLE users (
  id             text PRIMARY KEY,
  username       text NOT NULL UNIQUE,
  role           text NOT NULL,
  password_hash  text NOT NULL,
  failed_logins  integer NOT NULL DEFAULT 0,
  locked_until   timestamptz,
  active         boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL
);

CREATE TABLE refresh_tokens (
  token_hash   text PRIMARY KEY,
  family_id    text NOT NULL,
  user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at   timestamptz NOT NULL,
  replaced_at  timestamptz,
  revoked_at   timestamptz,
  created_at   timestamptz NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE api_keys (
  id            text PRIMARY KEY,
  name          text NOT NULL,
  owner         text NOT NULL,
  key_hash      text NOT NULL UNIQUE,
  prefix        text NOT NULL,
  scopes        text[] NOT NULL,
  expires_at    timestamptz,
  revoked_at    timestamptz,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL,
  last_used_at  timestamptz,
  use_count     bigint NOT NULL DEFAULT 0
);
