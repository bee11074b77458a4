-- Many workspaces (issue 13): the Slack workspaces and Enterprise Grid orgs that installed
-- drillbot through OAuth, and the one-time state values of installs in progress.

-- One row per installation scope and installing user, as Bolt's own stores keep them: the most
-- recently stored row of a scope holds its current bot token. The whole Installation (tokens,
-- names, scopes) is JSON sealed with AES-256-GCM under DRILLBOT_ENCRYPTION_KEY, bound to its
-- scope and user; the plain columns are only what finding and listing rows needs.
CREATE TABLE slack_installations (
  id                    INTEGER PRIMARY KEY AUTOINCREMENT,
  scope                 TEXT NOT NULL,      -- T:<team id> (a workspace install) or E:<enterprise id> (org-wide)
  enterprise_id         TEXT,
  team_id               TEXT,               -- NULL for an org-wide install
  is_enterprise_install INTEGER NOT NULL CHECK (is_enterprise_install IN (0, 1)),
  user_id               TEXT NOT NULL,      -- who installed
  installation          TEXT NOT NULL,      -- sealed: v1.<key id>.<iv>.<ciphertext>.<tag>
  installed_at          INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL,
  UNIQUE (scope, user_id)
);
CREATE INDEX slack_installations_latest ON slack_installations (scope, updated_at);

-- The state parameter of each install started at /slack/install: shared by every instance (the
-- redirect may reach another one), usable once, for ten minutes. Only its sha256 is kept.
CREATE TABLE slack_oauth_states (
  state_hash      TEXT PRIMARY KEY,
  install_options TEXT NOT NULL,            -- Bolt's InstallURLOptions, as JSON
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL
);
CREATE INDEX slack_oauth_states_by_expiry ON slack_oauth_states (expires_at);
