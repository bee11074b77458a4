-- Game days, action items and the per-drill results that trends, stats and mastery read.

-- A link to the drill's thread (chat.getPermalink), for App Home and stats.
ALTER TABLE drills ADD COLUMN venue_link TEXT;

CREATE TABLE schedules (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  channel     TEXT NOT NULL,
  cron        TEXT NOT NULL,              -- five fields, minute precision
  timezone    TEXT NOT NULL,              -- IANA zone the cron is read in, e.g. Europe/Berlin
  scenario    TEXT NOT NULL,              -- a scenario id, or "random", or "random:<tag>"
  mode        TEXT NOT NULL DEFAULT 'read' CHECK (mode IN ('read', 'blind')),
  heads_up    INTEGER NOT NULL DEFAULT 0 CHECK (heads_up IN (0, 1)),
  created_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE INDEX schedules_active ON schedules (active, channel);

-- One row per schedule, period and kind: the primary key is what makes a period fire once,
-- across restarts and across two instances on one database.
CREATE TABLE schedule_runs (
  schedule_id INTEGER NOT NULL REFERENCES schedules(id),
  period      INTEGER NOT NULL,           -- the scheduled instant (ms, UTC) this run is for
  kind        TEXT NOT NULL CHECK (kind IN ('drill', 'heads_up')),
  status      TEXT NOT NULL CHECK (status IN ('fired', 'missed', 'failed')),
  drill_id    INTEGER REFERENCES drills(id),
  detail      TEXT,
  recorded_at INTEGER NOT NULL,
  PRIMARY KEY (schedule_id, period, kind)
);

CREATE TABLE action_items (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  drill_id       INTEGER NOT NULL REFERENCES drills(id),
  scenario_id    TEXT NOT NULL,
  runbook        TEXT NOT NULL,           -- runbook path, e.g. runbooks/payment-5xx.md
  part           TEXT NOT NULL CHECK (part IN ('trigger', 'verify', 'impact', 'diagnose', 'mitigate')),
  kind           TEXT NOT NULL CHECK (kind IN ('wrong', 'unclear')),
  text           TEXT NOT NULL,
  raised_by_id   TEXT NOT NULL,
  raised_by_name TEXT NOT NULL,
  raised_at      INTEGER NOT NULL,
  status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
  done_by        TEXT,
  done_at        INTEGER
);
CREATE INDEX action_items_by_status ON action_items (status, scenario_id);
CREATE INDEX action_items_by_drill ON action_items (drill_id);

-- Written once, when a drill ends: what trends, coverage and App Home read without
-- recomputing every debrief.
CREATE TABLE drill_results (
  drill_id                 INTEGER PRIMARY KEY REFERENCES drills(id) ON DELETE CASCADE,
  scenario_id              TEXT NOT NULL,
  venue                    TEXT NOT NULL,
  mode                     TEXT NOT NULL,
  ended_at                 INTEGER NOT NULL,
  responders               INTEGER NOT NULL,
  answered                 INTEGER NOT NULL,
  correct_in_window        INTEGER NOT NULL,
  median_first_move_ms     INTEGER
);
CREATE INDEX drill_results_by_scenario ON drill_results (scenario_id, ended_at);
CREATE INDEX drill_results_by_venue ON drill_results (venue, ended_at);
CREATE INDEX drill_results_by_time ON drill_results (ended_at);

-- One row per responder of an ended drill: per-person stats and mastery.
CREATE TABLE responder_results (
  drill_id             INTEGER NOT NULL REFERENCES drills(id) ON DELETE CASCADE,
  user_id              TEXT NOT NULL,
  user_name            TEXT NOT NULL,
  scenario_id          TEXT NOT NULL,
  venue                TEXT NOT NULL,
  ended_at             INTEGER NOT NULL,
  answered             INTEGER NOT NULL CHECK (answered IN (0, 1)),
  correct              INTEGER NOT NULL CHECK (correct IN (0, 1)),
  correct_in_window    INTEGER NOT NULL CHECK (correct_in_window IN (0, 1)),
  time_to_first_move_ms INTEGER,
  PRIMARY KEY (drill_id, user_id)
);
CREATE INDEX responder_results_by_user ON responder_results (user_id, scenario_id, ended_at);
CREATE INDEX responder_results_by_scenario ON responder_results (scenario_id, venue, ended_at);
