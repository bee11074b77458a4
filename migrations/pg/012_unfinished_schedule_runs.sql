-- Game-day runs claimed but never finished (migrations/012_unfinished_schedule_runs.sql translated).
CREATE INDEX schedule_runs_unfinished ON schedule_runs(period)
  WHERE kind = 'drill' AND status = 'fired' AND drill_id IS NULL AND detail IS NULL;
