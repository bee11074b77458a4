import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { CONFIG_FILE, configText } from "../catalog/config.js";
import type { CliIO } from "./io.js";
import { SCHEMA_PATH, writeSchema } from "./schema.js";

// `drillbot init`: what a team needs to start in its own repository — drillbot.yml, one quick
// drill with its runbook to copy from, and the JSON Schema for editors. Nothing is overwritten.

const EXAMPLE_ID = "example-disk-filling";

const exampleScenario = (schemaRef: string) => `# yaml-language-server: $schema=${schemaRef}
# A quick drill: trigger, runbook and the expected first move. Run it with
#   npx drillbot drill ${EXAMPLE_ID}
# and deepen it later with a decision tree and injects (docs/authoring.md in the drillbot package).
id: ${EXAMPLE_ID}
title: Filesystem on a database node filling up
severity: SEV3
tags: [sre, example]
runbook: runbooks/${EXAMPLE_ID}.md          # relative to this file
trigger:
  source: Prometheus Alertmanager
  title: "[FIRING:1] NodeFilesystemSpaceFillingUp (db-2 /var/lib/postgresql warning)"
  text: |
    *Summary:* Filesystem is predicted to run out of space within the next 24 hours.
    *Description:* Filesystem on /dev/nvme1n1 at 10.0.4.21:9100 has only 11.2% available space left and is filling up.
  fields:
    alertname: NodeFilesystemSpaceFillingUp
    severity: warning
    instance: 10.0.4.21:9100
    mountpoint: /var/lib/postgresql
read_window: 2m
time_limit: 10m
first_move:
  expected: Check what is growing on /var/lib/postgresql with du (and the disk-usage graph) before deleting anything.
  rubric:
    core:
      - [du, disk usage, what is growing, largest files, df]
    supporting:
      - graph
    risky: [delete, rm, truncate, restart, resize]
  samples:
    accept:
      - "du -sh /var/lib/postgresql/* to see what is growing"
      - check the disk usage graph and find the largest files before touching anything
    reject:
      - delete the old WAL files
      - restart postgres to free the space
`;

const exampleRunbook = `# Filesystem on a database node filling up

## Meaning

\`NodeFilesystemSpaceFillingUp\` fires when a filesystem is predicted to run out of space
within 24 hours at the current rate, and has less than 15% left.

## Quick check

Find what is growing before changing anything:

\`\`\`bash
ssh $NODE 'df -h $MOUNTPOINT; sudo du -xsh $MOUNTPOINT/* | sort -h | tail'
\`\`\`

## Impact

When the volume is full, PostgreSQL stops accepting writes: checkout and sign-up fail.

## Diagnosis

1. Is it WAL (\`pg_wal\`)? Check whether a replication slot is stuck: \`select slot_name, active from pg_replication_slots;\`
2. Is it table data? Look for a bulk import or a runaway table in the last day.
3. Is it logs? Check \`log/\` for a logging storm.

## Mitigation

1. Drop an inactive replication slot that holds WAL: \`select pg_drop_replication_slot('$SLOT');\`
   Not reversible: the replica that used it must be re-seeded.
2. Grow the volume by 20%. Reversible only by migrating to a smaller volume; plan it with the DBA.
3. Remove old logs under \`log/\` (older than 7 days). Not reversible; they are also in the log archive.
`;

/** `drillbot init [--dir DIR] [--no-builtin]` */
export function initCommand(args: string[], io: CliIO, cwd = process.cwd()): number {
  const { values } = parseArgs({ args, options: { dir: { type: "string" }, "no-builtin": { type: "boolean", default: false } } });
  const root = resolve(cwd, values.dir ?? ".");
  const drills = join(root, "drills");
  const scenarioFile = join(drills, `${EXAMPLE_ID}.yml`);
  const schemaFile = join(root, SCHEMA_PATH);
  const files: [string, () => string][] = [
    [join(root, CONFIG_FILE), () => configText(["drills"], !values["no-builtin"])],
    [scenarioFile, () => exampleScenario(relative(drills, schemaFile))],
    [join(drills, "runbooks", `${EXAMPLE_ID}.md`), () => exampleRunbook],
  ];
  for (const [file, text] of files) {
    const shown = relative(process.cwd(), file) || file;
    if (existsSync(file)) {
      io.out(`kept ${shown} (it exists)`);
      continue;
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text());
    io.out(`wrote ${shown}`);
  }
  writeSchema(schemaFile);
  io.out(`wrote ${relative(process.cwd(), schemaFile) || schemaFile} (editor schema; drillbot schema refreshes it after an upgrade)`);
  io.out("");
  io.out("Next:");
  io.out(`  npx drillbot drill ${EXAMPLE_ID}                   # a quick drill in this terminal`);
  io.out("  npx drillbot import --rules <rule files…> --runbooks <runbook folder>   # drafts from your alerts");
  io.out("  npx drillbot lint                                  # in CI: npx drillbot lint --strict");
  return 0;
}
