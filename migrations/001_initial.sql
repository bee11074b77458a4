-- drillbot schema v1: drills, the scenario versions they ran on, and everything responders did.
-- Times are milliseconds since the Unix epoch (UTC).

CREATE TABLE scenario_versions (
  hash          TEXT PRIMARY KEY,           -- sha256 of scenario + runbook content
  scenario_id   TEXT NOT NULL,
  content       TEXT NOT NULL,              -- the validated scenario, as JSON
  runbook       TEXT NOT NULL,              -- the runbook Markdown as it was
  first_seen_at INTEGER NOT NULL
);

CREATE TABLE drills (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  scenario_id     TEXT NOT NULL,
  scenario_hash   TEXT NOT NULL REFERENCES scenario_versions(hash),
  mode            TEXT NOT NULL CHECK (mode IN ('read', 'blind')),
  surface         TEXT NOT NULL CHECK (surface IN ('terminal', 'slack')),
  venue           TEXT NOT NULL,            -- Slack channel id, or "terminal"
  started_by_id   TEXT NOT NULL,
  started_by_name TEXT NOT NULL,
  started_at      INTEGER NOT NULL,
  read_window_ms  INTEGER NOT NULL,
  time_limit_ms   INTEGER NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('running', 'ended', 'cancelled')),
  ended_at        INTEGER,
  end_reason      TEXT CHECK (end_reason IN ('manual', 'time_limit', 'cancelled')),
  ended_by        TEXT
);
CREATE INDEX drills_by_scenario ON drills (scenario_id, started_at);
CREATE INDEX drills_by_status ON drills (status);
-- One running drill per Slack channel, even with two app instances on one database.
CREATE UNIQUE INDEX drills_one_running_per_channel ON drills (venue) WHERE status = 'running' AND surface = 'slack';

CREATE TABLE responders (
  drill_id        INTEGER NOT NULL REFERENCES drills(id) ON DELETE CASCADE,
  user_id         TEXT NOT NULL,
  user_name       TEXT NOT NULL,
  joined_at       INTEGER NOT NULL,
  acked_at        INTEGER,
  walk_started_at INTEGER,
  PRIMARY KEY (drill_id, user_id)
);
CREATE INDEX responders_by_user ON responders (user_id);

CREATE TABLE first_moves (
  drill_id         INTEGER NOT NULL,
  user_id          TEXT NOT NULL,
  text             TEXT NOT NULL,
  answered_at      INTEGER NOT NULL,
  correct          INTEGER NOT NULL CHECK (correct IN (0, 1)),  -- the rubric's verdict
  score            TEXT NOT NULL,                               -- FirstMoveScore as JSON
  override_correct INTEGER CHECK (override_correct IN (0, 1)),  -- a facilitator's verdict
  override_by      TEXT,
  override_at      INTEGER,
  PRIMARY KEY (drill_id, user_id),
  FOREIGN KEY (drill_id, user_id) REFERENCES responders(drill_id, user_id) ON DELETE CASCADE
);

CREATE TABLE decision_steps (
  drill_id   INTEGER NOT NULL,
  user_id    TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  node_id    TEXT NOT NULL,
  option_id  TEXT NOT NULL,
  next_id    TEXT NOT NULL,
  entered_at INTEGER NOT NULL,
  chosen_at  INTEGER NOT NULL,
  PRIMARY KEY (drill_id, user_id, seq),
  FOREIGN KEY (drill_id, user_id) REFERENCES responders(drill_id, user_id) ON DELETE CASCADE
);

CREATE TABLE inject_posts (
  drill_id     INTEGER NOT NULL REFERENCES drills(id) ON DELETE CASCADE,
  inject_index INTEGER NOT NULL,
  due_at       INTEGER NOT NULL,
  posted_at    INTEGER NOT NULL,
  PRIMARY KEY (drill_id, inject_index)
);
