import { type CatalogConfig, resolveConfig } from "../catalog/config.js";
import { isStoreError } from "../store/errors.js";
import { type CliIO, handleClosedPipes, processIO } from "./io.js";

// Each command is imported when it runs, so `drillbot list` loads the catalog code and nothing
// of the database, the Slack app or the other commands (Node compiles every module it imports).

/** Each command's usage, shown by `drillbot <command> --help` and with a bad flag. */
export const COMMAND_USAGE: Record<string, string> = {
  drill: `drillbot drill <scenario> [--mode read|blind] [--user NAME] [--role ROLE] [--db PATH]
  Run a drill in this terminal. On a terminal it runs in real time (read-window countdown,
  injects, time limit); with piped input it reads one line per prompt and never waits:
    printf 'check the error dashboard first\\n' | drillbot drill payment-5xx`,
  list: `drillbot list [--tag TAG]
  One line per scenario: id, severity, title, tags and whether it is a quick drill.`,
  lint: `drillbot lint [--strict] [paths…]
  Check the scenarios of drillbot.yml's catalogs and the runbooks they link to, or the given
  scenario files, runbook files and folders. One line per problem: file:line: field: message.
  Errors keep a scenario from running. Warnings (runbook findings, content checks) do not, and
  exit 0 unless --strict (for CI) is given. _index.md and README pages are not runbooks.`,
  import: `drillbot import --rules <file…> --runbooks <dir> [--out <dir>] [--force]
  Draft a quick-drill scenario for every Prometheus alert (plain rule files or PrometheusRule
  manifests) whose runbook_url or name maps to a runbook under --runbooks. Drafts go to --out
  (default: the first catalog of drillbot.yml, else drills/); existing drafts are kept unless
  --force. Alerts without a runbook are listed. Writes drillbot.yml when there is none.`,
  init: `drillbot init [--dir <dir>] [--no-builtin]
  Write drillbot.yml (catalog: drills/), an example quick drill with its runbook, and the JSON
  Schema for editors (.drillbot/scenario.schema.json). Keeps files that exist.`,
  schema: `drillbot schema [--out <file>] [--stdout]
  Write the scenario JSON Schema (default .drillbot/scenario.schema.json) and print the line
  that points a scenario file at it for YAML editors.`,
  score: `drillbot score <scenario> "first move" [--json]
  How the scenario's rubric judges an answer, and why (matched and missing concepts, risky phrase).`,
  review: `drillbot review <drill-id> [--user NAME] [--db PATH]
  Walk a drill's answers, needs-review first, and accept or reject each (recorded like Slack's).`,
  rubric: `drillbot rubric eval|suggest|precedents <scenario> [--db PATH]
  A rubric against its samples and every reviewed answer in the database; suggest proposes changes;
  precedents adds the answers facilitators decided on to the scenario's precedents file.`,
  debrief: `drillbot debrief <drill-id|last> [--db PATH] [--format text|md|json|csv]
  Print a recorded drill's debrief.`,
  stats: `drillbot stats [--user NAME|U…] [--scenario ID] [--workspace T…] [--db PATH]
  What /drill stats shows in Slack: the team's trend and every scenario's coverage (stalest
  first), one scenario's recent drills, or one person's accuracy, speed and mastery.`,
  export: `drillbot export [--since DATE] [--scenario ID] [--format csv|json] [--workspace TEAM_ID] [--db PATH]
  Every response of every drill, one row per responder per drill: of one Slack workspace with
  --workspace (OAuth installs), else of the terminal and the single-workspace install.`,
  actions: `drillbot actions [--all] [--done ID [--by NAME]] [--db PATH]
  Runbook fixes flagged during drills and runbook findings; --done marks one done.`,
  migrate: `drillbot migrate [--db PATH]
drillbot migrate --from sqlite:<file> [--to postgres://…]
  Create or upgrade the database (PostgreSQL when DATABASE_URL is set and --db is not given).
  With --from: copy every table of a SQLite database into an empty PostgreSQL one (--to, or
  DATABASE_URL), in one transaction, and check each table's row count.`,
  backup: `drillbot backup <file> [--db PATH] [--force]
  Copy the database with SQLite's online backup, safe while the app runs.`,
  "rotate-key": `drillbot rotate-key [--db PATH]
  Re-encrypt the Slack tokens stored for installed workspaces with DRILLBOT_ENCRYPTION_KEY, opening
  older ones with DRILLBOT_ENCRYPTION_KEY_PREVIOUS. PostgreSQL when DATABASE_URL is set, else the
  SQLite file. Says when the previous key can be removed.`,
  "forget-workspace": `drillbot forget-workspace <team-id> [--yes] [--db PATH]
  Delete everything drillbot keeps for one Slack workspace: its drills with every answer in them,
  schedules, action items, queued messages and its installation tokens. Without --yes it only
  counts what would go. PostgreSQL when DATABASE_URL is set and --db is not given, else the SQLite file.`,
  "adopt-workspace": `drillbot adopt-workspace <team-id> [--enterprise E…] [--db PATH]
  Moving from one workspace (SLACK_BOT_TOKEN) to OAuth installs: hand the single-workspace
  history to that workspace's Slack team id, so its drills, stats and schedules stay with it.`,
  serve: `drillbot serve
  Run the Slack app (same as npm start); configured by SLACK_* environment variables.`,
};

export const USAGE = `drillbot — tabletop incident drills in Slack and in the terminal

Usage:
  drillbot import --rules <file…> --runbooks <dir> [--out <dir>]
                                   draft quick drills from your Prometheus alerts and runbooks
  drillbot drill <scenario> [--mode read|blind] [--user NAME] [--role ROLE] [--db PATH]
                                   run a drill in this terminal
  drillbot list [--tag TAG]        list the scenarios
  drillbot lint [--strict] [paths…]
                                   check scenarios and runbooks (file:line: field: message)
  drillbot init                    write drillbot.yml, an example drill and the editor schema
  drillbot schema [--out FILE]     write the scenario JSON Schema for editors
  drillbot score <scenario> "first move" [--json]
                                   how the rubric judges an answer, and why
  drillbot review <drill-id> [--user NAME] [--db PATH]
                                   accept or reject a drill's answers (needs-review first)
  drillbot rubric eval|suggest|precedents <scenario> [--db PATH]
                                   a rubric against its samples and every reviewed answer;
                                   precedents keeps decided answers as precedents
  drillbot debrief <drill-id|last> [--db PATH] [--format text|md|json|csv]
                                   print a recorded debrief
  drillbot stats [--user NAME] [--scenario ID] [--db PATH]
                                   coverage, trends, a person's accuracy and mastery
  drillbot export [--since DATE] [--scenario ID] [--format csv|json] [--db PATH]
                                   every response of every drill
  drillbot actions [--all] [--done ID [--by NAME]] [--db PATH]
                                   runbook fixes flagged during drills
  drillbot migrate [--db PATH]     create or upgrade the database
  drillbot migrate --from sqlite:<file> --to postgres://…
                                   copy a SQLite database into an empty PostgreSQL one
  drillbot backup <file> [--db PATH]
                                   copy the database safely, even while the app runs
  drillbot rotate-key [--db PATH]  re-encrypt stored Slack tokens with DRILLBOT_ENCRYPTION_KEY
  drillbot forget-workspace <team-id> [--yes]
                                   delete everything kept for one Slack workspace
  drillbot adopt-workspace <team-id>
                                   give single-workspace history to an OAuth-installed workspace
  drillbot serve                   run the Slack app (same as npm start)

  drillbot <command> --help        more about one command

Catalog: drillbot.yml in this folder or above (DRILLBOT_HOME: the folder to use instead) lists
your scenario folders; the built-in library comes along unless builtin: false.
Environment: DRILLBOT_DB (default ./data/drillbot.db), DATABASE_URL (set: PostgreSQL instead of
the SQLite file; --db PATH still picks a file), DRILLBOT_HOME`;

const wantsHelp = (args: string[]) => args.some((a) => a === "--help" || a === "-h");

export async function main(
  argv: string[],
  io: CliIO = processIO,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): Promise<number> {
  const [command, ...args] = argv;
  if (io === processIO) handleClosedPipes();
  // Found on first use: migrate and backup never need the catalog.
  let config: CatalogConfig | null = null;
  const catalogConfig = () => {
    config ??= resolveConfig(cwd, env);
    return config;
  };
  if (command && COMMAND_USAGE[command] && wantsHelp(args)) {
    io.out(COMMAND_USAGE[command]);
    return 0;
  }
  try {
    return await run(command, args, catalogConfig, io, env, cwd);
  } catch (error) {
    // parseArgs and friends throw for bad flags: say what went wrong, not a stack trace.
    const code = (error as { code?: string }).code ?? "";
    if (code.startsWith("ERR_PARSE_ARGS")) {
      io.err(`drillbot ${command}: ${(error as Error).message}\n\nUsage: ${COMMAND_USAGE[command ?? ""] ?? USAGE}`);
      return 2;
    }
    if (isStoreError(error, "database_too_new") || isStoreError(error, "database_damaged")) {
      io.err(`drillbot: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
}

async function run(
  command: string | undefined,
  args: string[],
  config: () => CatalogConfig,
  io: CliIO,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<number> {
  switch (command) {
    case "drill":
      return (await import("./drill.js")).drillCommand(args, config(), io);
    case "debrief":
      return (await import("./debrief.js")).debriefCommand(args, config(), io);
    case "migrate":
      return (await import("./migrate.js")).migrateCommand(args, io, env);
    case "backup":
      return (await import("./backup.js")).backupCommand(args, io);
    case "rotate-key":
      return (await import("./rotateKey.js")).rotateKeyCommand(args, io, env);
    case "forget-workspace":
      return (await import("./workspaces.js")).forgetWorkspaceCommand(args, io, env);
    case "adopt-workspace":
      return (await import("./workspaces.js")).adoptWorkspaceCommand(args, io, env);
    case "stats":
      return (await import("./stats.js")).statsCommand(args, config(), io);
    case "export":
      return (await import("./export.js")).exportCommand(args, config(), io);
    case "actions":
      return (await import("./actions.js")).actionsCommand(args, config(), io);
    case "serve":
      // Before the app's modules load (and V8's first full collections with them): v8Flags.ts.
      (await import("../slack/v8Flags.js")).tuneV8ForServe();
      return (await import("../slack/server.js")).serve(config(), env, io);
    case "lint":
      return (await import("./lint.js")).lintCommand(args, config(), io);
    case "score":
      return (await import("./score.js")).scoreCommand(args, config(), io);
    case "review":
      return (await import("./review.js")).reviewCommand(args, config(), io);
    case "rubric":
      return (await import("./rubric.js")).rubricCommand(args, config(), io);
    case "list":
      return (await import("./list.js")).listCommand(args, config(), io);
    case "import":
      return (await import("./import.js")).importCommand(args, config(), io, cwd);
    case "init":
      return (await import("./init.js")).initCommand(args, io, cwd);
    case "schema":
      return (await import("./schema.js")).schemaCommand(args, io, cwd);
    case undefined:
    case "help":
    case "--help":
    case "-h": {
      const topic = args[0];
      if (command === "help" && topic && COMMAND_USAGE[topic]) {
        io.out(COMMAND_USAGE[topic]);
        return 0;
      }
      io.out(USAGE);
      return command === undefined ? 1 : 0;
    }
    default:
      io.err(`drillbot: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}
