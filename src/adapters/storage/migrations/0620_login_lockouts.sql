-- Failed sign-ins are counted per user and client address (issue 12): five wrong passwords from one
-- address lock that address out for the user, not the user everywhere, so nobody can lock another
-- person out. users.failed_logins and users.locked_until stay as the newest lock, for display only.
CREATE TABLE login_lockouts (
  user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  client_ip    text NOT NULL,
  failures     integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  updated_at   timestamptz NOT NULL,
  PRIMARY KEY (user_id, client_ip)
);
CREATE INDEX login_lockouts_updated ON login_lockouts (updated_at);
