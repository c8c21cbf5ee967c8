-- Wakes subscribers on other connections (and nodes) when events are appended, instead of waiting for
-- their next poll. The notification is sent at commit, once per transaction; polling stays the fallback.
CREATE FUNCTION notify_events_appended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('monitoringgrid_events', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER events_appended AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION notify_events_appended();
