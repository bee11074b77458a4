-- Game-day runs claimed but never finished (the claiming instance died before it started the
-- drill): every instance looks for them every 2 s. A partial index holds only those rows, which
-- are almost always none, so the look is one small index read however many schedules there are
-- (it used to be one query per active schedule).
CREATE INDEX schedule_runs_unfinished ON schedule_runs(period)
  WHERE kind = 'drill' AND status = 'fired' AND drill_id IS NULL AND detail IS NULL;
