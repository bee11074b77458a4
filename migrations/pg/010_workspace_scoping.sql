-- Many workspaces (issue 13), as migrations/010_workspace_scoping.sql does for SQLite. The
-- PostgreSQL schema carried team_id from its first file, with NULL for a terminal drill; here it
-- becomes what SQLite has: never NULL, 'local' meaning the workspace of a single-workspace
-- install (SLACK_BOT_TOKEN in the environment) and of the terminal, so both stores read the same
-- and a row copied from SQLite keeps its workspace. A Slack team id never reads 'local'.
-- Tables reached only through their drill or schedule (responders, first_moves, decision_steps,
-- inject_posts, drill_events, first_move_reviews, schedule_runs) inherit the workspace from it.

UPDATE drills SET team_id = 'local' WHERE team_id IS NULL;
ALTER TABLE drills ALTER COLUMN team_id SET NOT NULL;
ALTER TABLE drills DROP CONSTRAINT drills_slack_has_team;
UPDATE action_items SET team_id = 'local' WHERE team_id IS NULL;
ALTER TABLE action_items ALTER COLUMN team_id SET NOT NULL;
UPDATE drill_results SET team_id = 'local' WHERE team_id IS NULL;
ALTER TABLE drill_results ALTER COLUMN team_id SET NOT NULL;
UPDATE responder_results SET team_id = 'local' WHERE team_id IS NULL;
ALTER TABLE responder_results ALTER COLUMN team_id SET NOT NULL;

-- A workspace's running drills (App Home, /drill status, a debrief's spoiler check) by team,
-- status and surface; re-arming every workspace's drills at start keeps the status-led index.
CREATE INDEX drills_by_team_status_surface_started ON drills (team_id, status, surface, started_at, id);

-- The outbox worker's heads (DISTINCT ON team and channel) and its in-order claim read pending
-- rows in (team, channel, priority, id) order straight from this index.
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (status, team_id, channel, priority, id);
