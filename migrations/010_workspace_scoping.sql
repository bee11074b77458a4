-- Many workspaces (issue 13): every table a workspace's data is read from on its own carries the
-- workspace (team_id, the Slack team id T…) and, where drillbot must find a bot token without a
-- request (drills, schedules, the outbox), its Enterprise Grid org (enterprise_id, E…, NULL
-- outside a grid). Tables reached only through their drill or schedule (responders, first_moves,
-- decision_steps, inject_posts, drill_events, first_move_reviews, schedule_runs) inherit it from
-- that row: no query reaches them without the drill's workspace check first.
--
-- 'local' is the workspace of a single-workspace install (SLACK_BOT_TOKEN in the environment)
-- and of the terminal: every row written before this migration is one of those, so it keeps
-- showing where it showed. A Slack team id never reads 'local'. `drillbot forget-workspace`
-- deletes one workspace's rows; `drillbot adopt-workspace` hands the 'local' rows to a team id
-- when a single-workspace install moves to OAuth.

ALTER TABLE drills ADD COLUMN team_id TEXT NOT NULL DEFAULT 'local';
ALTER TABLE drills ADD COLUMN enterprise_id TEXT;
ALTER TABLE schedules ADD COLUMN team_id TEXT NOT NULL DEFAULT 'local';
ALTER TABLE schedules ADD COLUMN enterprise_id TEXT;
ALTER TABLE outbox ADD COLUMN team_id TEXT NOT NULL DEFAULT 'local';
ALTER TABLE outbox ADD COLUMN enterprise_id TEXT;
ALTER TABLE action_items ADD COLUMN team_id TEXT NOT NULL DEFAULT 'local';
ALTER TABLE drill_results ADD COLUMN team_id TEXT NOT NULL DEFAULT 'local';
ALTER TABLE responder_results ADD COLUMN team_id TEXT NOT NULL DEFAULT 'local';

-- One running drill per channel of a workspace: a channel shared by two workspaces (Slack
-- Connect) is a venue of each of them.
DROP INDEX drills_one_running_per_channel;
CREATE UNIQUE INDEX drills_one_running_per_channel ON drills (team_id, venue) WHERE status = 'running' AND surface = 'slack';

-- Reads of one workspace's history lead with team_id; finding running drills (re-armed for every
-- workspace at start) does not.
DROP INDEX drills_by_scenario;
CREATE INDEX drills_by_scenario ON drills (team_id, scenario_id, started_at);
DROP INDEX drills_by_surface_started;
CREATE INDEX drills_by_surface_started ON drills (team_id, surface, started_at, id);
DROP INDEX drills_by_venue_started;
CREATE INDEX drills_by_venue_started ON drills (team_id, venue, started_at, id);
DROP INDEX drills_by_started;
CREATE INDEX drills_by_started ON drills (team_id, started_at, id);
-- A workspace's running drills (App Home, /drill status, a debrief's spoiler check) by team,
-- status and surface; re-arming every workspace's drills at start keeps the status-led index.
CREATE INDEX drills_by_team_status_surface_started ON drills (team_id, status, surface, started_at, id);

-- The outbox worker's heads (the next message of each channel of a workspace) and its in-order
-- claim read pending rows in (team, channel, priority, id) order straight from this index.
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (status, team_id, channel, priority, id);

DROP INDEX schedules_active;
CREATE INDEX schedules_active ON schedules (team_id, active, channel);

DROP INDEX action_items_by_status;
CREATE INDEX action_items_by_status ON action_items (team_id, status, scenario_id);

DROP INDEX drill_results_by_scenario;
CREATE INDEX drill_results_by_scenario ON drill_results (team_id, scenario_id, ended_at);
DROP INDEX drill_results_by_venue;
CREATE INDEX drill_results_by_venue ON drill_results (team_id, venue, ended_at);
DROP INDEX drill_results_by_time;
CREATE INDEX drill_results_by_time ON drill_results (team_id, ended_at);

DROP INDEX responder_results_by_user;
CREATE INDEX responder_results_by_user ON responder_results (team_id, user_id, scenario_id, ended_at);
DROP INDEX responder_results_by_scenario;
CREATE INDEX responder_results_by_scenario ON responder_results (team_id, scenario_id, venue, ended_at);
