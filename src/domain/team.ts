// Which workspace a drill, schedule or message belongs to. With many workspaces (OAuth installs)
// it is the Slack team id and, inside an Enterprise Grid, the org's id; every read of a
// workspace's data names it, so one workspace never sees another's.

export interface Team {
  /** The Slack team id (T…), or LOCAL_TEAM_ID. */
  id: string;
  /** The Enterprise Grid org (E…), or null outside a grid: it finds an org-wide install's token. */
  enterpriseId: string | null;
}

/** The workspace of a single-workspace install (SLACK_BOT_TOKEN in the environment) and of the
 * terminal. Rows written before workspaces existed belong to it. No Slack team id reads so. */
export const LOCAL_TEAM_ID = "local";
export const LOCAL_TEAM: Team = Object.freeze({ id: LOCAL_TEAM_ID, enterpriseId: null });

export function sameTeam(a: Team, b: Team): boolean {
  return a.id === b.id;
}
