import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, extname, join, relative, resolve } from "node:path";
import { parseDuration } from "../domain/duration.js";
import type { CompiledLexicon } from "../domain/lexicon.js";
import { checkRubric } from "../domain/rubricChecks.js";
import { parseRunbook } from "../domain/runbook.js";
import { type Scenario, type ScenarioFile, ScenarioSchema } from "../domain/scenario.js";
import { checkScenario } from "../domain/scenarioChecks.js";
import { compileRubric } from "../domain/scoring.js";
import { builtinLexicon, LEXICON_FILE, lexiconFolders, loadLexicon } from "./lexicon.js";
import { fieldName, isError, type LintProblem } from "./problems.js";
import { checkRunbook } from "./runbookChecks.js";
import { parseYamlSource } from "./yamlSource.js";

export interface Catalog {
  root: string;
  scenarios: Map<string, Scenario>;
  /** The shared lexicon (built-in, extended by the catalog's own lexicon.yml files). */
  lexicon: CompiledLexicon;
  /** Problems in files that were skipped or partly loaded. */
  problems: LintProblem[];
}

export interface LoadedScenario {
  scenario: Scenario | null;
  problems: LintProblem[];
}

const isYaml = (path: string) => [".yml", ".yaml"].includes(extname(path));
/** A lexicon.yml beside scenarios is the lexicon, not a scenario. */
const isScenarioFile = (path: string) => isYaml(path) && basename(path) !== LEXICON_FILE;

/** Reads, validates and cross-links one scenario file with its runbook. */
export interface LoadOptions {
  /** Score every rubric's samples and report the ones it gets wrong (lint; not needed to run drills). */
  checkSamples?: boolean;
}

export function loadScenarioFile(
  path: string,
  root: string,
  lexicon: CompiledLexicon = builtinLexicon(),
  options: LoadOptions = {},
): LoadedScenario {
  const file = displayPath(path);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return { scenario: null, problems: [{ file, line: 1, field: "(file)", message: `cannot read: ${(error as Error).message}` }] };
  }
  const source = parseYamlSource(text);
  if (source.errors.length > 0) {
    return { scenario: null, problems: source.errors.map((e) => ({ file, line: e.line, field: "yaml", message: e.message })) };
  }
  const parsed = ScenarioSchema.safeParse(source.data);
  if (!parsed.success) {
    return {
      scenario: null,
      problems: parsed.error.issues.map((issue) => ({
        file,
        line: source.lineOf(issue.path),
        field: fieldName(issue.path),
        message: issue.message.endsWith("received undefined") ? "required field is missing" : issue.message,
      })),
    };
  }
  const data = parsed.data;
  const rubric = compileRubric(data.first_move.rubric, lexicon);
  const problems: LintProblem[] = [
    ...checkScenario(data, basename(path, extname(path))),
    ...checkRubric(data, rubric, { samples: options.checkSamples === true }),
  ].map((p) => ({
    file,
    line: source.lineOf(p.path),
    field: fieldName(p.path),
    message: p.message,
    ...(p.severity ? { severity: p.severity } : {}),
  }));

  const runbookPath = resolve(root, data.runbook);
  if (!existsSync(runbookPath)) {
    problems.push({ file, line: source.lineOf(["runbook"]), field: "runbook", message: `runbook ${data.runbook} does not exist` });
    return { scenario: null, problems };
  }
  const runbookText = readFileSync(runbookPath, "utf8");
  const runbookDoc = parseRunbook(runbookText);
  problems.push(...checkRunbook(displayPath(runbookPath), runbookDoc));
  if (problems.some(isError)) return { scenario: null, problems };

  return { scenario: buildScenario(data, runbookText, runbookDoc, lexicon, rubric), problems };
}

/** A drillable scenario from validated file data and its runbook text (also used for stored versions). */
export function buildScenario(
  data: ScenarioFile,
  runbookText: string,
  runbookDoc = parseRunbook(runbookText),
  lexicon: CompiledLexicon = builtinLexicon(),
  rubric = compileRubric(data.first_move.rubric, lexicon),
): Scenario {
  return {
    ...data,
    rubric,
    readWindowMs: parseDuration(data.read_window) ?? 0,
    timeLimitMs: parseDuration(data.time_limit) ?? 0,
    injectOffsetsMs: data.injects.map((i) => parseDuration(i.at) ?? 0),
    runbookDoc,
    hash: scenarioHash(data, runbookText),
  };
}

export function scenarioHash(data: ScenarioFile, runbookText: string): string {
  return createHash("sha256").update(JSON.stringify(data)).update("\0").update(runbookText).digest("hex");
}

/** Every YAML file under the given paths (files or folders), sorted. */
function yamlFiles(paths: string[]): string[] {
  const found: string[] = [];
  const visit = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) visit(join(path, entry));
    } else if (isScenarioFile(path)) {
      found.push(path);
    }
  };
  for (const path of paths) visit(path);
  return found;
}

/** Loads every valid scenario under root/scenarios (or the given paths) and reports the rest. */
export function loadCatalog(root: string, paths?: string[], options: LoadOptions = {}): Catalog {
  const scenarios = new Map<string, Scenario>();
  const problems: LintProblem[] = [];
  const targets = paths ?? [join(root, "scenarios")];
  const ids = new Map<string, string>();
  const loadedLexicon = loadLexicon(lexiconFolders(root, targets));
  problems.push(...loadedLexicon.problems);
  const lexicon = loadedLexicon.lexicon;
  for (const target of targets) {
    if (!existsSync(target)) {
      problems.push({ file: displayPath(target), line: 1, field: "(file)", message: "no such file or folder" });
    }
  }
  for (const path of yamlFiles(targets.filter((t) => existsSync(t)))) {
    const loaded = loadScenarioFile(path, root, lexicon, options);
    problems.push(...loaded.problems);
    const scenario = loaded.scenario;
    if (!scenario) continue;
    const previous = ids.get(scenario.id);
    if (previous) {
      problems.push({ file: displayPath(path), line: 1, field: "id", message: `duplicate id "${scenario.id}", also in ${previous}` });
      continue;
    }
    ids.set(scenario.id, displayPath(path));
    scenarios.set(scenario.id, scenario);
  }
  return { root, scenarios, lexicon, problems };
}

/** Lints runbook files on their own (for `drillbot lint runbooks/x.md`). */
export function lintRunbookFile(path: string): LintProblem[] {
  return checkRunbook(displayPath(path), parseRunbook(readFileSync(path, "utf8")));
}

export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") ? path : rel;
}

/** The folder holding scenarios/: the working directory if it has one, else the package's own. */
export function defaultRoot(): string {
  if (existsSync(join(process.cwd(), "scenarios"))) return process.cwd();
  return resolve(new URL("../..", import.meta.url).pathname);
}

/** Closest id by edit distance, for "did you mean" replies. */
export function closestId(input: string, ids: Iterable<string>): string | null {
  let best: { id: string; distance: number } | null = null;
  for (const id of ids) {
    const distance = editDistance(input.toLowerCase(), id);
    if (best === null || distance < best.distance) best = { id, distance };
  }
  return best && best.distance <= Math.max(3, Math.floor(best.id.length / 2)) ? best.id : null;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}
