-- Messages that must reach a channel (trigger, injects, debrief, game-day posts) are written
-- here first and delivered by the outbox worker: after a Slack outage, a 429 or a restart they
-- still go out, once (dedupe_key), in order per channel.
CREATE TABLE outbox (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  dedupe_key  TEXT NOT NULL UNIQUE,         -- e.g. drill:12:inject:2
  channel     TEXT NOT NULL,
  drill_id    INTEGER REFERENCES drills(id),
  in_thread   INTEGER NOT NULL DEFAULT 0 CHECK (in_thread IN (0, 1)),  -- under the drill's trigger message
  kind        TEXT NOT NULL,                -- trigger, inject, notice, debrief, summary, game_day, cancel
  payload     TEXT NOT NULL,                -- {"text": …, "blocks": […]}
  created_at  INTEGER NOT NULL,
  due_at      INTEGER NOT NULL,             -- not before (backoff, Retry-After)
  attempts    INTEGER NOT NULL DEFAULT 0,
  lease_until INTEGER,                      -- an instance is sending it until then (two instances, one send)
  status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  last_error  TEXT,
  sent_at     INTEGER,
  message_ts  TEXT
);
CREATE INDEX outbox_pending ON outbox (status, channel, id);
