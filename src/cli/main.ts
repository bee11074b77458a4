import { defaultRoot } from "../catalog/catalog.js";
import { debriefCommand } from "./debrief.js";
import { drillCommand } from "./drill.js";
import { type CliIO, processIO } from "./io.js";
import { lintCommand } from "./lint.js";
import { listCommand } from "./list.js";
import { migrateCommand } from "./migrate.js";

export const USAGE = `drillbot — tabletop incident drills in Slack and in the terminal

Usage:
  drillbot drill <scenario> [--mode read|blind] [--user NAME] [--db PATH]
                                   run a drill in this terminal
  drillbot list [--tag TAG]        list the scenarios
  drillbot lint [paths…]           check scenarios and runbooks (file:line: field: message)
  drillbot score <scenario> "first move" [--json]
                                   how the rubric judges an answer, and why
  drillbot review <drill-id> [--user NAME] [--db PATH]
                                   accept or reject a drill's answers (needs-review first)
  drillbot rubric eval|suggest <scenario> [--db PATH]
                                   a rubric against its samples and every reviewed answer
  drillbot debrief <drill-id|last> [--db PATH] [--format text|md|json|csv]
                                   print a recorded debrief
  drillbot export [--since DATE] [--scenario ID] [--format csv|json] [--db PATH]
                                   every response of every drill
  drillbot actions [--all] [--done ID [--by NAME]] [--db PATH]
                                   runbook fixes flagged during drills
  drillbot migrate [--db PATH]     create or upgrade the database
  drillbot backup <file> [--db PATH]
                                   copy the database safely, even while the app runs
  drillbot serve                   run the Slack app (same as npm start)

Environment: DRILLBOT_DB (default ./data/drillbot.db), DRILLBOT_HOME (folder with scenarios/ and runbooks/)`;

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [command, ...args] = argv;
  const root = process.env.DRILLBOT_HOME ?? defaultRoot();
  try {
    return await run(command, args, root, io);
  } catch (error) {
    // parseArgs and friends throw for bad flags: say what went wrong, not a stack trace.
    const code = (error as { code?: string }).code ?? "";
    if (code.startsWith("ERR_PARSE_ARGS")) {
      io.err(`drillbot ${command}: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if ((error as Error).name === "DatabaseTooNewError" || (error as Error).name === "DatabaseDamagedError") {
      io.err(`drillbot: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
}

async function run(command: string | undefined, args: string[], root: string, io: CliIO): Promise<number> {
  switch (command) {
    case "drill":
      return drillCommand(args, root, io);
    case "debrief":
      return debriefCommand(args, root, io);
    case "migrate":
      return migrateCommand(args, io);
    case "backup":
      return (await import("./backup.js")).backupCommand(args, io);
    case "export":
      return (await import("./export.js")).exportCommand(args, root, io);
    case "actions":
      return (await import("./actions.js")).actionsCommand(args, root, io);
    case "serve":
      return (await import("../slack/server.js")).serve(root, process.env, io);
    case "lint":
      return lintCommand(args, root, io);
    case "score":
      return (await import("./score.js")).scoreCommand(args, root, io);
    case "review":
      return (await import("./review.js")).reviewCommand(args, root, io);
    case "rubric":
      return (await import("./rubric.js")).rubricCommand(args, root, io);
    case "list":
      return listCommand(args, root, io);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      io.out(USAGE);
      return command === undefined ? 1 : 0;
    default:
      io.err(`drillbot: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}
