import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { main } from "../../src/cli/main.js";
import { REPO_ROOT, tempDir } from "../helpers.js";

// drillbot in a team's own repository, as a user drives it from a shell: import the alerts,
// drill one as a quick drill with piped answers, lint, list several catalogs with the built-in
// library, and the CLI paper cuts (help, pipes, stdout).

const FIXTURE = join(REPO_ROOT, "test/fixtures/import");
const BIN = join(REPO_ROOT, "bin/drillbot.js");

function drillbot(args: string[], cwd: string, input = "", env: Record<string, string> = {}) {
  const { DRILLBOT_HOME: _home, ...rest } = process.env;
  const result = spawnSync(process.execPath, [BIN, ...args], { input, encoding: "utf8", cwd, env: { ...rest, ...env }, timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A team repository with the corpus's rules and runbooks, and its alerts imported. */
async function importedRepo(): Promise<string> {
  const dir = tempDir("drillbot-team-");
  cpSync(join(FIXTURE, "rules"), join(dir, "rules"), { recursive: true });
  cpSync(join(FIXTURE, "runbooks"), join(dir, "runbooks"), { recursive: true });
  const code = await main(["import", "--rules", "rules", "--runbooks", "runbooks"], { out: () => {}, err: () => {} }, {}, dir);
  assert.equal(code, 0);
  return dir;
}

describe("a team's repository", () => {
  it("runs an imported alert as a quick drill in the terminal, with the runbook's findings in the debrief and as action items once", async () => {
    const repo = await importedRepo();
    const db = join(repo, "drills.db");
    const run = drillbot(
      ["drill", "kube-cpu-overcommit", "--user", "dana", "--db", db],
      repo,
      "check the cpu requests query in prometheus\n",
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "", "nothing about other scenarios");
    assert.match(run.stdout, /\[FIRING:1\] KubeCPUOvercommit/);
    assert.match(run.stdout, /quick drill: first move only/);
    assert.match(run.stdout, /This is a quick drill: no decision tree to walk/);
    assert.doesNotMatch(run.stdout, /Decision tree: pick/);
    assert.match(run.stdout, /dana: .* correct, inside the read window/);
    assert.match(run.stdout, /Quick drill: first move only — no decision tree or injects/);
    assert.match(run.stdout, /Runbook findings in runbooks\/kubernetes\/KubeCPUOvercommit\.md/);
    assert.match(run.stdout, /line 63, Mitigations and rollback: "Mitigation" is a placeholder \("TODO"\)/);

    const actions = drillbot(["actions", "--db", db], repo);
    const items = actions.stdout.trim().split("\n");
    assert.equal(items.length, 2, actions.stdout);
    assert.match(items[1] ?? "", /runbooks\/kubernetes\/KubeCPUOvercommit\.md › Mitigations and rollback .*placeholder/);
    drillbot(["drill", "kube-cpu-overcommit", "--db", db], repo, "restart the nodes\n");
    assert.equal(drillbot(["actions", "--db", db], repo).stdout.trim().split("\n").length, 2, "an open finding is not repeated");

    const json = JSON.parse(drillbot(["debrief", "1", "--db", db, "--format", "json"], repo).stdout);
    assert.equal(json.quick, true);
    assert.equal(json.runbookFindings.length, 2);
  });

  it("lints the drafts clean by default and fails on the runbook findings with --strict", async () => {
    const repo = await importedRepo();
    const lenient = drillbot(["lint"], repo);
    assert.equal(lenient.code, 0, lenient.stdout);
    assert.equal(lenient.stderr, "");
    assert.doesNotMatch(lenient.stdout, /^drills\//m, "no problem in any draft itself");
    assert.match(lenient.stdout, /^ok: 13 of 13 scenarios valid \(0 full drills, 13 quick drills\), 13 runbooks checked; \d+ warnings/m);
    assert.match(lenient.stdout, /PrometheusRuleFailures\.md:55: markdown: warning: the code block opened here is never closed/);
    assert.doesNotMatch(lenient.stdout, /_index\.md|README|KubeContainerWaiting/, "only the runbooks scenarios link to");
    const strict = drillbot(["lint", "--strict"], repo);
    assert.equal(strict.code, 1);
    assert.match(strict.stdout, /^0 errors, \d+ warnings \(--strict: warnings fail\)/m);
  });

  it("lints a whole runbook folder when asked, leaving out _index.md and README pages", async () => {
    const repo = await importedRepo();
    const lint = drillbot(["lint", "runbooks"], repo);
    assert.equal(lint.code, 0, lint.stdout);
    assert.match(
      lint.stdout,
      /KubeContainerWaiting\.md:\d+: mitigate: warning: step/,
      "the runbook no scenario links to, because it was asked for",
    );
    assert.doesNotMatch(lint.stdout, /_index\.md:|README\.md:/);
    assert.match(lint.stdout, /14 runbooks checked, not runbooks, skipped: runbooks\/README\.md, runbooks\/_index\.md, /);
  });

  it("says exactly why a scenario that exists cannot run", async () => {
    const repo = await importedRepo();
    const file = join(repo, "drills/watchdog.yml");
    writeFileSync(file, readFileSync(file, "utf8").replace("time_limit: 10m", "time_limit: 10 minutes"));
    const run = drillbot(["drill", "watchdog", "--db", join(repo, "x.db")], repo);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /^scenario "watchdog" cannot run until these problems are fixed:\n {2}drills\/watchdog\.yml:\d+: time_limit: "10 minutes" is not a duration: write it like 90s, 2m, 1m30s or 1h \(did you mean 10m\?\)/,
    );
    assert.doesNotMatch(run.stderr, /unknown scenario/);
    const list = drillbot(["list"], repo);
    assert.match(list.stderr, /note: 1 scenario\(s\) skipped \(watchdog\); drillbot lint says why/);
  });

  it("a rubric that rejects its own expected first move: lint fails on it, and a drill of it refuses with file, line and field", async () => {
    const repo = await importedRepo();
    const file = join(repo, "drills/watchdog.yml");
    const text = readFileSync(file, "utf8");
    const broken = text.replace(/^( {2}expected: ).*$/m, "$1Wait and see.");
    assert.notEqual(broken, text, "the draft has an expected first move to break");
    writeFileSync(file, broken);
    const line = broken.split("\n").findIndex((l) => l.startsWith("  expected: ")) + 1;
    const why = new RegExp(`drills/watchdog\\.yml:${line}: first_move\\.expected: the rubric rejects its own expected first move`);
    const lint = drillbot(["lint"], repo);
    assert.equal(lint.code, 1);
    assert.match(lint.stdout, why);
    // Loading the catalog leaves the rubric checks to the drill's start: the scenario is listed...
    const list = drillbot(["list"], repo);
    assert.match(list.stdout, /^watchdog /m);
    // ...and refused, with the same line lint prints, before anything is recorded.
    const run = drillbot(["drill", "watchdog", "--db", join(repo, "x.db")], repo, "check the watchdog\n");
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^scenario "watchdog" cannot run until these problems are fixed:\n/);
    assert.match(run.stderr, why);
    assert.doesNotMatch(run.stdout, /first move >/);
  });

  it("loads several catalog folders with the built-in library, each runbook relative to its scenario", async () => {
    const repo = await importedRepo();
    mkdirSync(join(repo, "team-b/drills"), { recursive: true });
    const own = readFileSync(join(repo, "drills/target-down.yml"), "utf8")
      .replace("id: target-down", "id: team-b-target-down")
      .replace("runbook: ../runbooks/", "runbook: ../../runbooks/");
    writeFileSync(join(repo, "team-b/drills/team-b-target-down.yml"), own);
    writeFileSync(join(repo, "drillbot.yml"), "catalogs:\n  - drills\n  - team-b/drills\n");
    const list = drillbot(["list"], repo);
    assert.equal(list.code, 0, list.stderr);
    const ids = list.stdout.split("\n").map((l) => l.split(/\s+/)[0]);
    for (const id of ["kube-pod-crash-looping", "team-b-target-down", "payment-5xx", "cwpp-shell"]) assert.ok(ids.includes(id), id);
    assert.match(list.stdout, /team-b-target-down .* \(quick drill\)/);
    writeFileSync(
      join(repo, "team-b/drills/cache-miss.yml"),
      own.replace("id: team-b-target-down", "id: cache-miss").replace(/^title: .*$/m, "title: Our own cache check"),
    );
    assert.match(
      drillbot(["list"], repo).stdout,
      /^cache-miss .*Our own cache check/m,
      "a team's scenario replaces the built-in one with its id",
    );
    assert.match(drillbot(["lint"], repo).stdout, /^note: team-b\/drills\/cache-miss\.yml replaces the built-in scenario cache-miss$/m);
    writeFileSync(join(repo, "drillbot.yml"), "catalogs: [drills, team-b/drills]\nbuiltin: false\n");
    assert.ok(!drillbot(["list"], repo).stdout.includes("payment-5xx"), "builtin: false leaves the library out");
    writeFileSync(join(repo, "drillbot.yml"), "catalog: [drills]\n");
    const typo = drillbot(["list"], repo);
    assert.match(typo.stderr, /drillbot\.yml:1: catalog: unknown key "catalog" \(did you mean "catalogs"\?\)/);
  });

  it("DRILLBOT_HOME adds its scenarios/ to the built-ins, with no runbooks/ folder needed", () => {
    const home = tempDir("drillbot-home-");
    mkdirSync(join(home, "scenarios/checks"), { recursive: true });
    const scenario = readFileSync(join(REPO_ROOT, "test/fixtures/lint/scenarios/base.yml"), "utf8").replace(
      "../runbooks/base.md",
      "base.md",
    );
    writeFileSync(join(home, "scenarios/base.yml"), scenario);
    cpSync(join(REPO_ROOT, "test/fixtures/lint/runbooks/base.md"), join(home, "scenarios/base.md"));
    const list = drillbot(["list"], tempDir(), "", { DRILLBOT_HOME: home });
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^base {2}/m);
    assert.match(list.stdout, /^payment-5xx/m);
  });
});

describe("drillbot init and schema", () => {
  it("init writes drillbot.yml, an example quick drill with its runbook and the schema, and the example runs", () => {
    const dir = tempDir("drillbot-init-");
    const init = drillbot(["init"], dir);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /wrote drillbot\.yml/);
    assert.match(init.stdout, /wrote drills\/example-disk-filling\.yml/);
    assert.match(
      readFileSync(join(dir, "drills/example-disk-filling.yml"), "utf8"),
      /^# yaml-language-server: \$schema=\.\.\/\.drillbot\/scenario\.schema\.json/,
    );
    const lint = drillbot(["lint", "--strict"], dir);
    assert.equal(lint.code, 0, lint.stdout);
    assert.match(lint.stdout, /^ok: 1 of 1 scenario valid \(0 full drills, 1 quick drill\), 1 runbook checked$/m);
    const run = drillbot(
      ["drill", "example-disk-filling", "--db", join(dir, "d.db")],
      dir,
      "du -sh /var/lib/postgresql/* to see what grows\n",
    );
    assert.match(run.stdout, /correct, inside the read window/);
    assert.match(drillbot(["init"], dir).stdout, /kept drillbot\.yml \(it exists\)/);
  });

  it("schema writes the JSON Schema where editors can reference it", () => {
    const dir = tempDir();
    const run = drillbot(["schema", "--out", "s.json"], dir);
    assert.equal(run.code, 0);
    const schema = JSON.parse(readFileSync(join(dir, "s.json"), "utf8"));
    assert.equal(schema.title, "drillbot scenario");
    assert.ok(schema.properties.first_move);
    assert.match(run.stdout, /yaml-language-server: \$schema=/);
  });
});

describe("CLI paper cuts", () => {
  const cwd = tempDir();

  it("every command answers --help with its own usage, not as a path", () => {
    for (const command of ["lint", "drill", "list", "import", "init", "schema", "debrief", "export", "actions", "migrate", "backup"]) {
      const help = drillbot([command, "--help"], cwd);
      assert.equal(help.code, 0, command);
      assert.match(help.stdout, new RegExp(`^drillbot ${command}\\b`), command);
      assert.equal(help.stderr, "");
    }
    assert.match(drillbot(["help", "lint"], cwd).stdout, /--strict/);
  });

  it("`drillbot list | true` ends quietly when the reader goes away", () => {
    const result = spawnSync("bash", ["-c", `"${process.execPath}" "${BIN}" list | true; echo "status \${PIPESTATUS[0]}"`], {
      encoding: "utf8",
      cwd,
      timeout: 30_000,
    });
    assert.doesNotMatch(result.stderr, /EPIPE|Error/);
    assert.match(result.stdout, /status 0/);
  });

  it("lint's report goes to stdout, so it can be piped and saved", () => {
    const lint = drillbot(["lint"], REPO_ROOT);
    assert.equal(lint.code, 0, lint.stdout);
    assert.equal(lint.stderr, "");
    assert.match(lint.stdout, /^ok: 14 of 14 scenarios valid \(14 full drills, 0 quick drills\), 14 runbooks checked$/m);
  });
});
