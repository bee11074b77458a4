-- Facilitators' decisions on first moves (issue 11). first_moves keeps the decision that counts
-- (override_*, now with the decider's id); first_move_reviews keeps every Accept / Reject ever
-- made, in Slack or with `drillbot review`: who, when, and the verdict before and after.
ALTER TABLE first_moves ADD COLUMN override_by_id TEXT;

CREATE TABLE first_move_reviews (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  drill_id        INTEGER NOT NULL,
  user_id         TEXT NOT NULL,             -- whose answer
  decided_by_id   TEXT NOT NULL,             -- Slack user id, or the terminal user's name
  decided_by_name TEXT NOT NULL,
  decided_at      INTEGER NOT NULL,
  via             TEXT NOT NULL CHECK (via IN ('slack', 'terminal')),
  before_correct  INTEGER NOT NULL CHECK (before_correct IN (0, 1)),  -- the verdict that counted before
  after_correct   INTEGER NOT NULL CHECK (after_correct IN (0, 1)),
  FOREIGN KEY (drill_id, user_id) REFERENCES first_moves(drill_id, user_id) ON DELETE CASCADE
);
CREATE INDEX first_move_reviews_by_answer ON first_move_reviews (drill_id, user_id, decided_at);
-- `drillbot rubric eval` reads every reviewed answer of a scenario.
CREATE INDEX first_moves_reviewed ON first_moves (drill_id) WHERE override_correct IS NOT NULL;
