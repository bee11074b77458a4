import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { isSeq, parseDocument } from "yaml";
import { displayPath, loadScenarioFile } from "../catalog/catalog.js";
import { type CatalogConfig, CONFIG_FILE, configText } from "../catalog/config.js";
import { importAlerts } from "../catalog/importer.js";
import { loadLexicon } from "../catalog/lexicon.js";
import { formatProblem } from "../catalog/problems.js";
import type { CliIO } from "./io.js";
import { COMMAND_USAGE } from "./main.js";
import { SCHEMA_PATH, writeSchema } from "./schema.js";

interface ImportArgs {
  rules: string[];
  runbooks: string | null;
  out: string | null;
  force: boolean;
}

/** `--rules a.yml b.yml --runbooks dir`: --rules takes every word up to the next flag (a shell glob). */
export function parseImportArgs(args: string[]): ImportArgs | string {
  const parsed: ImportArgs = { rules: [], runbooks: null, out: null, force: false };
  let current: "rules" | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, null];
    const value = () => inline ?? args[++i] ?? null;
    if (flag === "--rules") {
      current = "rules";
      if (inline) parsed.rules.push(inline);
    } else if (flag === "--runbooks" || flag === "--out") {
      current = null;
      const v = value();
      if (v === null || v.startsWith("--")) return `${flag} needs a folder`;
      if (flag === "--runbooks") parsed.runbooks = v;
      else parsed.out = v;
    } else if (flag === "--force") {
      current = null;
      parsed.force = true;
    } else if (arg.startsWith("-")) {
      return `unknown option ${arg}`;
    } else if (current === "rules") {
      parsed.rules.push(arg);
    } else {
      return `unexpected "${arg}" (rule files go after --rules)`;
    }
  }
  if (parsed.rules.length === 0) return "--rules needs at least one rule file or folder";
  if (parsed.runbooks === null) return "--runbooks needs the folder of your runbooks";
  return parsed;
}

const posix = (p: string) => p.split(sep).join("/");

/** Makes sure drillbot.yml lists the drafts' folder, so `drillbot drill <id>` finds them. */
function ensureCatalog(config: CatalogConfig, out: string, cwd: string, io: CliIO): void {
  const covered = config.catalogs.some((c) => out === c || out.startsWith(`${c}${sep}`));
  if (covered) return;
  if (!config.file) {
    const file = join(cwd, CONFIG_FILE);
    writeFileSync(file, configText([posix(relative(cwd, out)) || "."]));
    io.out(`wrote ${displayPath(file)} (catalogs: ${posix(relative(cwd, out))}; the built-in library stays on)`);
    return;
  }
  const doc = parseDocument(readFileSync(config.file, "utf8"));
  const entry = posix(relative(dirname(config.file), out)) || ".";
  const catalogs = doc.get("catalogs", true);
  if (isSeq(catalogs)) {
    catalogs.add(entry);
    catalogs.flow = false;
  } else {
    doc.set("catalogs", [entry]);
  }
  writeFileSync(config.file, doc.toString());
  io.out(`added ${entry} to the catalogs in ${displayPath(config.file)}`);
}

/** `drillbot import --rules <file…> --runbooks <dir> [--out <dir>] [--force]` */
export function importCommand(args: string[], config: CatalogConfig, io: CliIO, cwd = process.cwd()): number {
  const parsed = parseImportArgs(args);
  if (typeof parsed === "string") {
    io.err(`drillbot import: ${parsed}\n\nUsage: ${COMMAND_USAGE.import}`);
    return 2;
  }
  const runbooks = resolve(cwd, parsed.runbooks ?? "");
  if (!existsSync(runbooks) || !statSync(runbooks).isDirectory()) {
    io.err(`drillbot import: --runbooks ${parsed.runbooks} is not a folder`);
    return 2;
  }
  const out = parsed.out
    ? resolve(cwd, parsed.out)
    : ((config.file ? config.catalogs[0] : undefined) ?? resolve(config.file ? config.base : cwd, "drills"));
  const schemaFile = resolve(config.file ? config.base : cwd, SCHEMA_PATH);
  if (!existsSync(schemaFile)) writeSchema(schemaFile);

  // The catalog's lexicon (built-in plus the lexicon.yml of its folders): drafts are checked with it.
  const lexicon = loadLexicon(config.catalogs.filter((c) => existsSync(c) && statSync(c).isDirectory())).lexicon;
  const result = importAlerts({
    rules: parsed.rules.map((r) => resolve(cwd, r)),
    runbooks,
    out,
    force: parsed.force,
    headings: config.headings,
    schemaFile,
    lexicon,
  });
  const { ruleSet } = result;
  for (const problem of ruleSet.problems) io.out(formatProblem(problem));
  const rulesCount = ruleSet.alerts.length;
  io.out(
    `read ${rulesCount} alerting rule(s) (${new Set(ruleSet.alerts.map((a) => a.alert)).size} alert names) from ${ruleSet.files.length} file(s)${ruleSet.recordingRules ? `; ${ruleSet.recordingRules} recording rule(s) skipped` : ""}${ruleSet.notRuleFiles.length ? `; ${ruleSet.notRuleFiles.length} YAML file(s) with no rules skipped` : ""}`,
  );

  const written = result.imported.filter((i) => i.status === "written");
  const kept = result.imported.filter((i) => i.status === "kept");
  if (result.imported.length > 0) {
    io.out("");
    io.out(
      `${written.length} draft(s) written to ${displayPath(out)}${kept.length ? `, ${kept.length} kept as they were (--force overwrites)` : ""}:`,
    );
  }
  let invalid = 0;
  let findings = 0;
  const width = Math.max(0, ...result.imported.map((i) => i.id.length));
  for (const item of result.imported) {
    const loaded = loadScenarioFile(item.file, { base: config.base, headings: config.headings, lexicon, authoring: true });
    const errors = loaded.problems.filter((p) => p.severity !== "warning");
    const runbookFindings = loaded.scenario?.runbookFindings.length ?? 0;
    findings += runbookFindings;
    const how = item.how === "runbook_url" ? "runbook_url" : "by name";
    const more = item.rules.length > 1 ? ` (${item.rules.length} rules)` : "";
    io.out(
      `  ${item.id.padEnd(width)}  ${item.alert}${more} → ${displayPath(item.runbook)} (${how})${item.status === "kept" ? " [kept]" : ""}${runbookFindings ? ` · ${runbookFindings} runbook finding(s)` : ""}`,
    );
    if (errors.length > 0) {
      invalid++;
      for (const e of errors) io.out(`      ${formatProblem(e)}`);
    }
  }
  if (result.unmatched.length > 0) {
    io.out("");
    io.out(`${result.unmatched.length} alert(s) without a runbook (no draft):`);
    for (const u of result.unmatched) {
      io.out(
        `  ${u.rule.file}:${u.rule.line}: ${u.rule.alert}: ${u.reason}${u.lookalike ? ` (${u.lookalike} has its name: fix the URL or point it there)` : ""}`,
      );
    }
  }
  if (result.imported.length > 0) {
    ensureCatalog(config, out, cwd, io);
    io.out("");
    if (findings > 0)
      io.out(
        `${findings} runbook finding(s) in total: they do not stop a drill (drillbot lint lists them; the debrief turns them into action items).`,
      );
    const first = written[0] ?? kept[0];
    if (first) io.out(`Next: npx drillbot drill ${first.id}     (or /drill ${first.id} in Slack)`);
  } else if (rulesCount > 0) {
    io.out(`no alert mapped to a runbook under ${displayPath(runbooks)}`);
  }
  return ruleSet.problems.some((p) => p.severity !== "warning") || invalid > 0 || result.imported.length === 0 ? 1 : 0;
}
