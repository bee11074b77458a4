// `npm run test:package` (run by .ci/run): drillbot as a dependency of another repository.
// Packs the package exactly as it would be published, installs the tarball in an empty folder,
// and there imports alerts, lints and runs a scripted drill with `npx drillbot` — the path a
// team takes from its own runbook repository. Slow (the SQLite driver compiles from source in
// the empty folder), so it is its own command rather than part of `npm test`.
import assert from "node:assert/strict";
import { type SpawnSyncOptions, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURE = join(ROOT, "test/fixtures/import");
const work = mkdtempSync(join(tmpdir(), "drillbot-package-"));
const results: { step: string; ok: boolean; detail: string }[] = [];

function run(command: string, args: string[], options: SpawnSyncOptions & { input?: string } = {}) {
  const { PATH, HOME, TMPDIR, npm_config_cache } = process.env;
  const env = { PATH, HOME, TMPDIR, ...(npm_config_cache ? { npm_config_cache } : {}), ...(options.env ?? {}) } as NodeJS.ProcessEnv;
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 600_000, ...options, env });
  return { code: result.status, stdout: String(result.stdout ?? ""), stderr: String(result.stderr ?? "") };
}

function step(name: string, check: () => string): void {
  try {
    results.push({ step: name, ok: true, detail: check() });
  } catch (error) {
    results.push({ step: name, ok: false, detail: (error as Error).message.split("\n").slice(0, 8).join(" / ") });
  }
}

let tarball = "";
step("npm pack (runs the build through prepare)", () => {
  const packed = run("npm", ["pack", "--json", "--pack-destination", work], { cwd: ROOT });
  assert.equal(packed.code, 0, packed.stderr);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("["))) as { filename: string; files: { path: string }[] }[];
  assert.ok(info);
  tarball = join(work, info.filename);
  const files = info.files.map((f) => f.path);
  for (const needed of [
    "bin/drillbot.js",
    "dist/cli/main.js",
    "scenarios/payment-5xx.yml",
    "runbooks/payment-5xx.md",
    "migrations/001_initial.sql",
    "docs/authoring.md",
  ]) {
    assert.ok(files.includes(needed), `the package lacks ${needed}`);
  }
  const leaked = files.filter((f) => /^(src|test|bench)\//.test(f) || f.endsWith(".ts"));
  assert.deepEqual(leaked, [], "no TypeScript sources or tests in the package");
  return `${info.filename}: ${files.length} files, no .ts`;
});

const team = join(work, "team-runbooks");
step("npm install <tarball> in an empty folder", () => {
  cpSync(join(FIXTURE, "rules"), join(team, "rules"), { recursive: true });
  cpSync(join(FIXTURE, "runbooks"), join(team, "runbooks"), { recursive: true });
  writeFileSync(join(team, "package.json"), `${JSON.stringify({ name: "team-runbooks", private: true }, null, 2)}\n`);
  const started = Date.now();
  const installed = run("npm", ["install", tarball, "--no-audit", "--no-fund", "--prefer-offline"], { cwd: team });
  assert.equal(installed.code, 0, installed.stderr);
  const pkg = JSON.parse(readFileSync(join(team, "node_modules/drillbot/package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  assert.ok(!("tsx" in pkg.dependencies), "tsx is not a runtime dependency");
  assert.ok(!existsSync(join(team, "node_modules/tsx")), "no TypeScript loader is installed");
  assert.ok(!existsSync(join(team, "node_modules/drillbot/src")), "no sources");
  return `installed in ${Math.round((Date.now() - started) / 1000)} s; no tsx, no src/`;
});

step("npx drillbot import --rules rules --runbooks runbooks", () => {
  const imported = run("npx", ["--no-install", "drillbot", "import", "--rules", "rules", "--runbooks", "runbooks"], { cwd: team });
  assert.equal(imported.code, 0, imported.stdout + imported.stderr);
  assert.match(imported.stdout, /13 draft\(s\) written/);
  assert.ok(existsSync(join(team, "drillbot.yml")));
  return `${readdirSync(join(team, "drills")).length} drafts, drillbot.yml written`;
});

step("npx drillbot lint", () => {
  const lint = run("npx", ["--no-install", "drillbot", "lint"], { cwd: team });
  assert.equal(lint.code, 0, lint.stdout + lint.stderr);
  const ok = lint.stdout.split("\n").find((l) => l.startsWith("ok: ")) ?? "";
  assert.match(ok, /^ok: 13 of 13 scenarios valid/);
  return ok.slice(0, 100);
});

step("npx drillbot drill kube-pod-crash-looping (scripted)", () => {
  const drill = run("npx", ["--no-install", "drillbot", "drill", "kube-pod-crash-looping", "--user", "ci", "--db", "drills.db"], {
    cwd: team,
    input: "confirm which pods are crash looping with kubectl get pods -n search\n",
  });
  assert.equal(drill.code, 0, drill.stderr);
  assert.match(drill.stdout, /ci: ack 0:00 · first move 0:00 · correct, inside the read window/);
  assert.match(drill.stdout, /Quick drill: first move only/);
  assert.ok(existsSync(join(team, "drills.db")));
  return "correct first move, quick-drill debrief, recorded in drills.db";
});

step("npx drillbot list (the built-in library ships with the package)", () => {
  const list = run("npx", ["--no-install", "drillbot", "list"], { cwd: team });
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^payment-5xx /m);
  assert.match(list.stdout, /^kube-pod-crash-looping .*\(quick drill\)/m);
  return `${list.stdout.trim().split("\n").length} scenarios`;
});

const width = Math.max(...results.map((r) => r.step.length));
console.log("\n| Step | Result |\n| --- | --- |");
for (const r of results) console.log(`| ${r.step.padEnd(width)} | ${r.ok ? "ok" : "FAILED"}: ${r.detail} |`);
const failed = results.filter((r) => !r.ok).length;
if (failed === 0) rmSync(work, { recursive: true, force: true });
else console.log(`\nleft ${work} for a look`);
process.exitCode = failed === 0 ? 0 : 1;
