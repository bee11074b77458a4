-- When the send an outbox row is waiting to hear about was started (migrations/011_outbox_send_started.sql translated).
ALTER TABLE outbox ADD COLUMN send_started_at BIGINT;
