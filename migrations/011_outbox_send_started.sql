-- When the send an outbox row is waiting to hear about was started (ms): set when a send is
-- claimed from a settled row and again just before a post that follows a look for an earlier
-- one; kept through a retry and a clean shutdown (they keep the row unresolved). The next attempt
-- looks for that post in Slack only around this time (a few minutes of history, one small page),
-- not in everything since the row was queued. NULL on rows from before this migration: they are
-- looked for since they were queued, as before.
ALTER TABLE outbox ADD COLUMN send_started_at INTEGER;
