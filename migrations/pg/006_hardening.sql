-- Hardening against hostile load and crashes (migrations/006_hardening.sql translated).

-- A drill's own messages (trigger, injects, notices, debrief) go before re-posts asked for by
-- anyone (priority 1), so a flood of /drill debrief cannot delay a running drill.
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
-- Which app process holds a send lease, so a restart can take over a dead process's lease at once.
ALTER TABLE outbox ADD COLUMN lease_owner TEXT;
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (status, channel, priority, id);
CREATE INDEX outbox_by_age ON outbox (created_at) WHERE status <> 'pending';

-- Live app processes on this database: a lease whose owner stopped beating is free.
CREATE TABLE instances (
  id           TEXT PRIMARY KEY,
  host         TEXT NOT NULL,
  pid          INTEGER NOT NULL,
  started_at   BIGINT NOT NULL,
  heartbeat_at BIGINT NOT NULL
);

-- Signed requests already processed (sha256 of the body), kept a little longer than Slack's
-- five-minute signature window, so a replayed slash command or form changes nothing.
CREATE TABLE request_fingerprints (
  fingerprint TEXT PRIMARY KEY,
  seen_at     BIGINT NOT NULL
);
CREATE INDEX request_fingerprints_by_age ON request_fingerprints (seen_at);

-- "✍️ ali stated a first move at 0:18" is owed to the thread from the moment the answer is
-- stored: false until that notice is in the outbox (same transaction), so a crash cannot lose it.
-- Rows from before this migration were noticed already.
ALTER TABLE first_moves ADD COLUMN noticed BOOLEAN NOT NULL DEFAULT true;
