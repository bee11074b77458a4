-- Indexes for years of history (bench: 100,000 drills, 2,000,000 responses): App Home's recent
-- and running drills, "/drill debrief last", the last scenario in a channel, exports by date
-- (migrations/005_history_indexes.sql translated). Reads of one workspace's history lead with
-- team_id; finding running drills (re-armed for every workspace at start) does not.
CREATE INDEX drills_by_surface_started ON drills (team_id, surface, started_at, id);
CREATE INDEX drills_by_status_surface_started ON drills (status, surface, started_at, id);
CREATE INDEX drills_by_venue_started ON drills (team_id, venue, started_at, id);
CREATE INDEX drills_by_started ON drills (team_id, started_at, id);
DROP INDEX drills_by_status; -- a prefix of drills_by_status_surface_started
