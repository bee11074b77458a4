-- What facilitators do to a running drill (extend, pause, resume, inject now, hint), as an
-- append-only timeline: a new control is a new kind here, never a new table or column.
CREATE TABLE drill_events (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  drill_id   INTEGER NOT NULL REFERENCES drills(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL,
  by_id      TEXT NOT NULL,
  by_name    TEXT NOT NULL,
  at         INTEGER NOT NULL,
  data       TEXT NOT NULL DEFAULT '{}'   -- the kind's own fields, as JSON
);
CREATE INDEX drill_events_by_drill ON drill_events (drill_id, id);

-- Incident roles: one person per role per drill (two instances cannot both hand out a role).
ALTER TABLE responders ADD COLUMN role TEXT;
CREATE UNIQUE INDEX responders_one_per_role ON responders (drill_id, role) WHERE role IS NOT NULL;
-- Stats and mastery are kept per role where roles exist.
ALTER TABLE responder_results ADD COLUMN role TEXT;
