import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { it } from "node:test";
import { parse } from "csv-parse/sync";
import { FakeClock } from "../../src/domain/clock.js";
import { DrillService } from "../../src/service/drillService.js";
import { exportResponses, RESPONSE_COLUMNS, rowsToCsv } from "../../src/service/exports.js";
import { baseScenario, LINT_FIXTURES, REPO_ROOT } from "../helpers.js";
import { describeStores, type TestDatabase } from "../stores.js";

/** The command on the test's database: `--db FILE` for SQLite, DATABASE_URL for PostgreSQL. */
function drillbot(db: TestDatabase, args: string[], input = "") {
  const { DATABASE_URL: _url, ...env } = process.env;
  const where = db.location.kind === "sqlite" ? ["--db", db.location.path] : [];
  const result = spawnSync(process.execPath, [join(REPO_ROOT, "bin/drillbot.js"), ...args, ...where], {
    input,
    encoding: "utf8",
    cwd: REPO_ROOT,
    env: { ...env, DRILLBOT_HOME: LINT_FIXTURES, ...(db.location.kind === "postgres" ? { DATABASE_URL: db.location.url } : {}) },
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Three drills with awkward answers: commas, quotes, newlines, a formula, unicode. */
async function history(db: TestDatabase) {
  const clock = new FakeClock(Date.UTC(2026, 0, 10, 9));
  const stores = db.stores;
  const scenario = baseScenario();
  const service = new DrillService(stores.drills, new Map([[scenario.id, scenario]]), clock);
  const answers = [
    ['check the dashboard, "really" check it', "restart\nthe pods"],
    ['=HYPERLINK("http://evil") check the dashboard', "vérifier le dashboard ✅"],
    [],
  ];
  for (const [i, group] of answers.entries()) {
    const started = await service.start({ scenarioId: "base", startedBy: { id: "U1", name: "alice" }, venue: `C${i}`, surface: "slack" });
    assert.ok(started.ok);
    for (const [j, text] of group.entries()) {
      const user = { id: `U${j + 2}`, name: `user, ${j}` };
      clock.advance(10_000);
      await service.ack(started.drill.state.id, user);
      await service.submitFirstMove(started.drill.state.id, user, text);
      await service.choose(started.drill.state.id, user, "a", "yes");
    }
    await service.end(started.drill.state.id, "alice", "manual");
    clock.advance(86_400_000);
  }
  return { service, stores };
}

describeStores("exports", (open) => {
  it("CSV parses back to exactly the exported rows", async () => {
    const { service } = await history(await open());
    const rows = await exportResponses(service, {});
    assert.equal(rows.length, 5, "two drills with two responders and one with none");
    const parsed = parse(rowsToCsv(rows), { columns: true }) as Record<string, string>[];
    assert.deepEqual(Object.keys(parsed[0] ?? {}), [...RESPONSE_COLUMNS]);
    const asText = (v: unknown) => (v === null ? "" : typeof v === "boolean" ? String(v) : String(v));
    const expected = rows.map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => [k, k === "answer" && typeof v === "string" && v.startsWith("=") ? `'${v}` : asText(v)]),
      ),
    );
    assert.deepEqual(parsed, expected);
    assert.equal(parsed[1]?.answer, "restart\nthe pods", "newlines survive");
    assert.equal(parsed[2]?.answer, '\'=HYPERLINK("http://evil") check the dashboard', "formulas are defused for spreadsheets");
    assert.equal(parsed[0]?.path, "a>yes");
  });

  it("drillbot export filters by date and scenario and writes JSON too", async () => {
    const db = await open();
    await history(db);
    const all = drillbot(db, ["export", "--format", "json"]);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(JSON.parse(all.stdout).length, 5);
    const since = drillbot(db, ["export", "--since", "2026-01-11", "--format", "json"]);
    assert.deepEqual([...new Set(JSON.parse(since.stdout).map((r: { drill_id: number }) => r.drill_id))], [2, 3]);
    const csv = drillbot(db, ["export", "--scenario", "nope"]);
    assert.equal(csv.stdout.trim(), RESPONSE_COLUMNS.join(","), "header only");
    assert.match(drillbot(db, ["export", "--since", "last tuesday"]).stderr, /--since takes a date like 2026-01-31/);
  });

  it("drillbot debrief --format csv|md and drillbot actions", async () => {
    const db = await open();
    const { stores } = await history(db);
    await stores.actions.addActionItem({
      drillId: 1,
      scenarioId: "base",
      runbook: "runbooks/base.md",
      part: "verify",
      kind: "unclear",
      text: "which dashboard?",
      raisedBy: { id: "U2", name: "bob" },
      raisedAt: Date.UTC(2026, 0, 10, 9),
    });
    const csv = drillbot(db, ["debrief", "1", "--format", "csv"]);
    assert.equal((parse(csv.stdout, { columns: true }) as unknown[]).length, 2);
    const md = drillbot(db, ["debrief", "1", "--format", "md"]);
    assert.match(
      md.stdout,
      /## Action items\n\n- \[ \] #1 `runbooks\/base.md` \(Immediate verification \(under 60 seconds\)\) — unclear: which dashboard\? \(raised by bob\)/,
    );
    assert.match(md.stdout, /## Findings/);
    assert.match(md.stdout, /## Runbook: Base runbook/);
    const listed = drillbot(db, ["actions"]);
    assert.match(
      listed.stdout,
      /#1 {2}runbooks\/base.md › Immediate verification \(under 60 seconds\) {2}\[unclear, open\] {2}which dashboard\? {2}— bob, drill #1/,
    );
    assert.match(drillbot(db, ["actions", "--done", "1", "--by", "carol"]).stdout, /action item #1 marked done by carol/);
    assert.match(drillbot(db, ["actions"]).stdout, /no open action items/);
    assert.match(drillbot(db, ["actions", "--all"]).stdout, /\[unclear, done by carol\]/);
  });
});
