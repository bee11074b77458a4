import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";
import { LineCounter, parseAllDocuments } from "yaml";
import { type AlertRule, alertRulesOf, bySeverity, embeddedRuleFiles } from "../domain/alertRules.js";
import { draftScenario, scenarioIdFor } from "../domain/draftScenario.js";
import type { CompiledLexicon } from "../domain/lexicon.js";
import { type HeadingMap, parseRunbook } from "../domain/runbook.js";
import { displayPath, isRunbookPage } from "./catalog.js";
import { builtinLexicon } from "./lexicon.js";
import type { LintProblem } from "./problems.js";

// `drillbot import`: Prometheus alert rules + a runbook folder → draft scenarios. Reads the rule
// files, finds each alert's runbook (runbook_url, else its name), and writes one draft per alert
// name. Alerts without a runbook are reported, never guessed.

export interface RuleSet {
  alerts: AlertRule[];
  recordingRules: number;
  files: string[];
  problems: LintProblem[];
  /** YAML files found in a folder that hold no rules (a kustomization, a values file). */
  notRuleFiles: string[];
}

const isYaml = (p: string) => [".yml", ".yaml"].includes(extname(p).toLowerCase());

function yamlFilesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((entry) => (entry.startsWith(".") ? [] : yamlFilesUnder(join(path, entry))))
    .filter(isYaml);
}

/** Every alerting rule in the given files and folders (multi-document YAML, plain rule files,
 * PrometheusRule manifests, Lists of them, ConfigMaps holding rule files). */
export function readRuleFiles(paths: string[]): RuleSet {
  const set: RuleSet = { alerts: [], recordingRules: 0, files: [], problems: [], notRuleFiles: [] };
  for (const path of paths) {
    if (!existsSync(path)) {
      set.problems.push({ file: path, line: 1, field: "--rules", message: "no such file or folder" });
      continue;
    }
    const named = !statSync(path).isDirectory();
    for (const file of yamlFilesUnder(path)) {
      const own: RuleSet = { alerts: [], recordingRules: 0, files: [], problems: [], notRuleFiles: [] };
      readRuleText(readFileSync(file, "utf8"), displayPath(file), own);
      // A file found in a folder that holds no rules at all is not a mistake: it is skipped.
      if (
        !named &&
        own.alerts.length === 0 &&
        own.recordingRules === 0 &&
        own.problems.every((p) => p.message.startsWith("not a rule file"))
      ) {
        set.notRuleFiles.push(file);
        continue;
      }
      set.files.push(file);
      set.alerts.push(...own.alerts);
      set.recordingRules += own.recordingRules;
      set.problems.push(...own.problems);
    }
  }
  return set;
}

function readRuleText(text: string, file: string, set: RuleSet, lineOffset = 0): void {
  if (/\{\{[-\s]*(\.Values|include|template|toYaml)\b/.test(text)) {
    set.problems.push({
      file,
      line: 1 + lineOffset,
      field: "(file)",
      message: "this is a Helm template: render it first (helm template … > rules.yaml) and import the output",
    });
    return;
  }
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        set.problems.push({
          file,
          line: (e.linePos?.[0]?.line ?? 1) + lineOffset,
          field: "yaml",
          message: e.message.split("\n")[0] ?? e.message,
        });
      }
      continue;
    }
    const data: unknown = doc.toJS();
    if (data === null || data === undefined) continue;
    const lineOf = (path: (string | number)[]) => {
      const node = (path.length ? doc.getIn(path, true) : doc.contents) as { range?: [number, number, number] } | undefined;
      return (node?.range ? lineCounter.linePos(node.range[0]).line : 1) + lineOffset;
    };
    const embedded = embeddedRuleFiles(data);
    if (embedded.length > 0) {
      for (const part of embedded) readRuleText(part.text, `${file} (data.${part.key})`, set, lineOf(["data", part.key]));
      continue;
    }
    const result = alertRulesOf(data, file, lineOf);
    set.alerts.push(...result.alerts);
    set.recordingRules += result.recordingRules;
    set.problems.push(...result.problems.map((p) => ({ file, line: p.line, field: "(file)", message: p.message })));
  }
}

export interface RunbookEntry {
  path: string;
  /** Path under the runbook root without .md (or the folder of a Hugo leaf bundle's index.md), lower-case segments. */
  segments: string[];
  /** File stem with only letters and digits, lower-case: for matching alert names. */
  key: string;
}

/** Every runbook page under a folder: _index.md, README and the like are not runbooks. */
export function indexRunbooks(root: string): RunbookEntry[] {
  const entries: RunbookEntry[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (name.startsWith(".") || name === "node_modules") continue;
      if (statSync(path).isDirectory()) visit(path);
      else if (isRunbookPage(path)) {
        const rel = relative(root, path).split(sep);
        const last = basename(path, extname(path));
        const segments = (last.toLowerCase() === "index" ? rel.slice(0, -1) : [...rel.slice(0, -1), last]).map((s) => s.toLowerCase());
        if (segments.length > 0) entries.push({ path, segments, key: (segments.at(-1) ?? "").replace(/[^a-z0-9]/g, "") });
      }
    }
  };
  visit(root);
  return entries;
}

export type RunbookMatch = { how: "runbook_url" | "name"; entry: RunbookEntry } | { how: "none"; reason: string; lookalike?: RunbookEntry };

/** The URL's path segments, lower-case, without a trailing slash, an extension or an anchor. */
function urlSegments(url: string): string[] {
  let path = url.trim();
  try {
    path = new URL(path).pathname;
  } catch {
    path = path.split(/[?#]/)[0] ?? path;
  }
  return decodeURIComponent(path)
    .replace(/\/+$/, "")
    .replace(/\.(md|html?)$/i, "")
    .split("/")
    .filter((s) => s !== "")
    .map((s) => s.toLowerCase());
}

/** The runbook an alert's runbook_url points at (case-insensitive, the longest runbook path the
 * URL ends with; a folder of the URL that the runbook tree lacks is fine), else its name.
 * A runbook_url that matches no file is reported, not replaced by a guess. */
export function matchRunbook(rule: AlertRule, index: RunbookEntry[]): RunbookMatch {
  const byName = () => {
    const key = rule.alert.toLowerCase().replace(/[^a-z0-9]/g, "");
    return index.filter((e) => e.key === key);
  };
  const url = rule.annotations.runbook_url ?? rule.annotations.runbook;
  if (url) {
    const segments = urlSegments(url);
    const endsWith = (e: RunbookEntry) =>
      e.segments.length <= segments.length && e.segments.every((s, i) => segments[segments.length - e.segments.length + i] === s);
    const full = index.filter(endsWith).sort((a, b) => b.segments.length - a.segments.length);
    if (full[0] && (full.length === 1 || (full[1]?.segments.length ?? 0) < full[0].segments.length))
      return { how: "runbook_url", entry: full[0] };
    // A different folder layout: the URL's last part names exactly one runbook.
    const last = segments.at(-1) ?? "";
    const stem = index.filter((e) => e.segments.at(-1) === last);
    if (stem.length === 1 && stem[0]) return { how: "runbook_url", entry: stem[0] };
    const lookalike = byName()[0];
    return {
      how: "none",
      reason: `runbook_url ${url} matches no runbook${stem.length > 1 ? ` unambiguously (${stem.length} files are named ${last})` : ""}`,
      ...(lookalike ? { lookalike } : {}),
    };
  }
  const named = byName();
  if (named.length === 1 && named[0]) return { how: "name", entry: named[0] };
  if (named.length > 1) return { how: "none", reason: `no runbook_url, and ${named.length} runbooks are named like ${rule.alert}` };
  return { how: "none", reason: `no runbook_url, and no runbook named ${rule.alert}` };
}

export interface ImportOptions {
  rules: string[];
  runbooks: string;
  out: string;
  force: boolean;
  headings?: HeadingMap;
  /** The editor schema file, if there is one, for the drafts' first line. */
  schemaFile?: string | null;
  /** The catalog's lexicon (the built-in one when not given). */
  lexicon?: CompiledLexicon;
}

export interface ImportedAlert {
  alert: string;
  rules: AlertRule[];
  id: string;
  file: string;
  runbook: string;
  how: "runbook_url" | "name";
  status: "written" | "kept";
  firstMoveFrom: string | null;
  findings: number;
}

export interface ImportResult {
  ruleSet: RuleSet;
  imported: ImportedAlert[];
  unmatched: { rule: AlertRule; reason: string; lookalike?: string }[];
}

/** Drafts every alert that has a runbook; one draft per alert name, from its most severe rule. */
export function importAlerts(options: ImportOptions): ImportResult {
  const ruleSet = readRuleFiles(options.rules.map((r) => resolve(r)));
  const index = indexRunbooks(resolve(options.runbooks));
  const byName = new Map<string, AlertRule[]>();
  for (const rule of ruleSet.alerts) byName.set(rule.alert, [...(byName.get(rule.alert) ?? []), rule]);
  const result: ImportResult = { ruleSet, imported: [], unmatched: [] };
  const out = resolve(options.out);
  for (const [alert, rules] of byName) {
    const variants = [...rules].sort(bySeverity);
    const rule = variants[0] as AlertRule;
    const match = matchRunbook(rule, index);
    if (match.how === "none") {
      result.unmatched.push({ rule, reason: match.reason, ...(match.lookalike ? { lookalike: displayPath(match.lookalike.path) } : {}) });
      continue;
    }
    const id = scenarioIdFor(alert);
    const file = join(out, `${id}.yml`);
    const runbookText = readFileSync(match.entry.path, "utf8");
    const runbook = parseRunbook(runbookText, { headings: options.headings ?? {} });
    const section = relative(resolve(options.runbooks), dirname(match.entry.path)).split(sep)[0] || null;
    const draft = draftScenario({
      rule,
      variants,
      runbook,
      runbookPath: relative(out, match.entry.path).split(sep).join("/"),
      section,
      schemaRef: options.schemaFile ? relative(out, options.schemaFile).split(sep).join("/") : null,
      lexicon: options.lexicon ?? builtinLexicon(),
    });
    const exists = existsSync(file);
    if (!exists || options.force) {
      mkdirSync(out, { recursive: true });
      writeFileSync(file, draft.text);
    }
    result.imported.push({
      alert,
      rules: variants,
      id,
      file,
      runbook: match.entry.path,
      how: match.how,
      status: exists && !options.force ? "kept" : "written",
      firstMoveFrom: draft.firstMoveFrom,
      findings: 0,
    });
  }
  return result;
}
