-- Action links (issue 19, item 5). The outbox row says which links its message offers (the sender derives
-- and signs them from the row, so a resent message carries the same links; no token is stored). A link
-- used is one row here: the primary key makes a second use, from any node, find the first.
ALTER TABLE notifications ADD COLUMN actions text[] NOT NULL DEFAULT '{}';

CREATE TABLE action_link_uses (
  notification_id  text NOT NULL,
  action           text NOT NULL,
  alert_id         text NOT NULL,
  recipient        text NOT NULL,
  used_at          timestamptz NOT NULL,
  PRIMARY KEY (notification_id, action)
);
