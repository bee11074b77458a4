-- Where a Slack drill's trigger message is (its ts), so the app can update it and thread
-- injects and the debrief under it, also after a restart.
ALTER TABLE drills ADD COLUMN venue_ref TEXT;
