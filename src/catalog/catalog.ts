import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import { parseDuration } from "../domain/duration.js";
import type { CompiledLexicon } from "../domain/lexicon.js";
import { MIN_PRECEDENTS_PER_LABEL, type PrecedentModel, trainPrecedentModel } from "../domain/precedents.js";
import { checkRubric } from "../domain/rubricChecks.js";
import type { LabelledAnswer } from "../domain/rubricEval.js";
import { type HeadingMap, parseRunbook } from "../domain/runbook.js";
import { runbookFindings } from "../domain/runbookFindings.js";
import { type Role, type Scenario, type ScenarioFile, scenarioSchemas } from "../domain/scenario.js";
import { checkScenario } from "../domain/scenarioChecks.js";
import { type CompiledRubric, compileRubric } from "../domain/scoring.js";
import { cachedBuiltin, cachedPrecedentModel, precedentModelKey } from "./builtinCache.js";
import { type CatalogConfig, PACKAGE_ROOT } from "./config.js";
import { readCorpusFile } from "./corpus.js";
import { builtinLexicon, LEXICON_FILE, lexiconFolders, loadLexicon } from "./lexicon.js";
import { fieldName, isError, type LintProblem } from "./problems.js";
import { schemaIssueProblems } from "./schemaProblems.js";
import { parseYamlSource, validatedYamlSource } from "./yamlSource.js";

export interface Catalog {
  config: CatalogConfig;
  scenarios: Map<string, Scenario>;
  /** The shared lexicon: the built-in one, extended by each catalog folder's lexicon.yml. */
  lexicon: CompiledLexicon;
  /** Errors (the scenario was skipped) and warnings (it runs; `lint --strict` fails), in load order. */
  problems: LintProblem[];
  /** Why each scenario that exists as a file could not be loaded, by its id (or file name). */
  skipped: Map<string, LintProblem[]>;
  /** The file each scenario came from. */
  files: Map<string, string>;
  /** Scenarios of the team's catalogs that replace a built-in one with the same id. */
  overrides: string[];
}

export interface LoadedScenario {
  /** The id the file declares, else its file name. */
  id: string;
  scenario: Scenario | null;
  /** Errors (then scenario is null) and warnings. */
  problems: LintProblem[];
}

export interface LoadOptions {
  /** The checks an author needs and a running bot does not (lint and import): each rubric is
   * compiled and must accept its own expected first move and score its samples as labelled, no
   * term may be filler only, the old rubric shape is reported, and the runbook's findings (its
   * missing parts, placeholders) become warnings. Without it a load checks what a drill needs to
   * run (YAML, schema, the tree, the runbook's existence) and compiles a rubric on first score. */
  authoring?: boolean;
}

/** The package's own library: its files are read and validated against the schema, but the
 * content checks (rubric, runbook findings) are left to the package's CI and `drillbot lint`,
 * which run them on every change; rubrics and runbooks are compiled when a drill first needs
 * them. This keeps `drillbot list` and a drill's start from compiling fourteen rubrics. */
interface TrustedLoad {
  trusted?: boolean;
}

export interface ScenarioLoadOptions extends LoadOptions, TrustedLoad {
  /** Where an old-style runbook path (from the repository root) is looked up. */
  base: string;
  headings?: HeadingMap;
  lexicon?: CompiledLexicon;
}

const isYaml = (path: string) => [".yml", ".yaml"].includes(extname(path));
/** YAML in a catalog folder that is not a scenario. */
const NOT_SCENARIOS = new Set([LEXICON_FILE, "lexicon.yaml", "drillbot.yml", "drillbot.yaml"]);

/** Where a scenario's runbook is: relative to the scenario file, or (old style) to the base. */
export function resolveRunbookPath(scenarioPath: string, runbook: string, base: string): { path: string; fromBase: boolean } | null {
  const own = resolve(dirname(scenarioPath), runbook);
  if (existsSync(own) && statSync(own).isFile()) return { path: own, fromBase: false };
  const old = resolve(base, runbook);
  if (existsSync(old) && statSync(old).isFile()) return { path: old, fromBase: true };
  return null;
}

/** A file in the runbook's folder whose name differs only in case, for "did you mean". */
function caseInsensitiveTwin(path: string): string | null {
  const dir = dirname(path);
  if (!existsSync(dir)) return null;
  const wanted = basename(path).toLowerCase();
  return readdirSync(dir).find((f) => f.toLowerCase() === wanted) ?? null;
}

/** Reads, validates and cross-links one scenario file with its runbook. `options` is the folder
 * old-style runbook paths start from, or every option. */
export function loadScenarioFile(
  path: string,
  options: string | ScenarioLoadOptions,
  lexicon?: CompiledLexicon,
  loadOptions: LoadOptions = {},
): LoadedScenario {
  const opts: ScenarioLoadOptions =
    typeof options === "string" ? { base: options, ...loadOptions, ...(lexicon ? { lexicon } : {}) } : options;
  const { base, headings = {} } = opts;
  const scenarioLexicon = opts.lexicon ?? builtinLexicon();
  const file = displayPath(path);
  const fileId = basename(path, extname(path));
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return {
      id: fileId,
      scenario: null,
      problems: [{ file, line: 1, field: "(file)", message: `cannot read: ${(error as Error).message}` }],
    };
  }
  // A built-in file exactly as it was validated at build time needs no parsing or validation
  // (builtinCache.ts); its YAML is read again only if a problem needs a line number.
  const cached = cachedBuiltin(path, text) as ScenarioFile | undefined;
  if (opts.trusted && cached) return trustedScenario(path, cached, opts, scenarioLexicon);
  const source = cached ? validatedYamlSource(text, cached) : parseYamlSource(text);
  if (source.errors.length > 0) {
    return { id: fileId, scenario: null, problems: source.errors.map((e) => ({ file, line: e.line, field: "yaml", message: e.message })) };
  }
  const declared = (source.data as { id?: unknown } | null)?.id;
  const id = typeof declared === "string" && declared !== "" ? declared : fileId;
  const parsed = cached ? { success: true as const, data: cached } : scenarioSchemas().ScenarioSchema.safeParse(source.data);
  if (!parsed.success) {
    return { id, scenario: null, problems: schemaIssueProblems(parsed.error.issues, source, file) };
  }
  const data = parsed.data;
  if (opts.trusted) return trustedScenario(path, data, opts, scenarioLexicon);
  const authoring = opts.authoring === true;
  const found = resolveRunbookPath(path, data.runbook, base);
  // Compiling and scoring each rubric was most of a large catalog's load: a running bot compiles
  // a rubric when it first scores with it, and authors get the rubric checks from lint / import.
  // Lint compiles them with the scenario's text, as a drill does, so its off-target rules (a system,
  // host or namespace the scenario never names) run on the samples too; without a runbook file the
  // scenario's own fields are that text.
  const runbookText = found ? readFileSync(found.path, "utf8") : "";
  const texts = authoring ? scenarioTexts(data, runbookText, headings) : undefined;
  const rubric = texts ? compileRubric(data.first_move.rubric, scenarioLexicon, texts) : undefined;
  const roleRubrics = texts
    ? Object.fromEntries(
        (data.roles ?? []).flatMap((role) =>
          role.first_move ? [[role.id, compileRubric(role.first_move.rubric, scenarioLexicon, texts)]] : [],
        ),
      )
    : {};
  const problems: LintProblem[] = [
    ...checkScenario(data, fileId),
    ...(rubric ? checkRubric(data, rubric, { samples: true, roleRubrics }) : []),
  ].map((p) => ({
    file,
    line: source.lineOf(p.path),
    field: fieldName(p.path),
    message: p.message,
    ...(p.severity === "warning" ? { severity: "warning" as const } : {}),
  }));

  if (!found) {
    const wanted = resolve(dirname(path), data.runbook);
    const twin = caseInsensitiveTwin(wanted);
    problems.push({
      file,
      line: source.lineOf(["runbook"]),
      field: "runbook",
      message: `runbook ${data.runbook} does not exist (paths are relative to this file: ${displayPath(wanted)})${twin ? `; did you mean ${twin}? (file names are case-sensitive)` : ""}`,
    });
    return { id, scenario: null, problems };
  }
  if (found.fromBase) {
    problems.push({
      file,
      line: source.lineOf(["runbook"]),
      field: "runbook",
      severity: "warning",
      message: `runbook paths are relative to the scenario file now: write runbook: ${relative(dirname(path), found.path)}`,
    });
  }
  const runbookRef = runbookRefOf(found.path, base);
  const precedents = () => readPrecedents(path, data.id);
  const scenario = buildScenario(data, runbookText, {
    headings,
    runbookRef,
    lexicon: scenarioLexicon,
    precedents,
    ...(rubric ? { rubric } : {}),
  });
  if (authoring) problems.push(...precedentsProblems(path, data.id));
  if (authoring) {
    // Findings are warnings (a runbook with gaps still runs); the debrief reads them on first use.
    const runbookFile = displayPath(found.path);
    for (const finding of scenario.runbookFindings) {
      problems.push({ file: runbookFile, line: finding.line, field: finding.field, message: finding.message, severity: "warning" });
    }
  }
  if (problems.some(isError)) return { id, scenario: null, problems };
  if (!authoring) rubricChecksPending.set(scenario, path);
  return { id, scenario, problems };
}

/** Scenarios loaded without the rubric checks, with their file; then the checks' errors once run. */
const rubricChecksPending = new WeakMap<Scenario, string | LintProblem[]>();

/** The rubric errors lint reports (the rubric rejects its own expected first move, a term made of
 * filler words only), as lint problems with file and line, for a scenario loaded to run drills.
 * A load leaves these checks to the drill's start, which refuses such a scenario as a skipped
 * one: the rubric is compiled then anyway, and a catalog of hundreds loads without compiling
 * each. Empty for a scenario loaded with the authoring checks, a built-in one or a stored version. */
export function deferredRubricErrors(scenario: Scenario): LintProblem[] {
  const pending = rubricChecksPending.get(scenario);
  if (pending === undefined) return [];
  if (typeof pending !== "string") return pending;
  const found = checkRubric(scenario, scenario.rubric, { roleRubrics: scenario.roleRubrics }).filter((p) => p.severity !== "warning");
  let errors: LintProblem[] = [];
  if (found.length > 0) {
    let source: ReturnType<typeof parseYamlSource> | null = null;
    try {
      source = parseYamlSource(readFileSync(pending, "utf8"));
    } catch {
      source = null; // the file went away since the load: report the field without a line
    }
    const file = displayPath(pending);
    errors = found.map((p) => ({ file, line: source?.lineOf(p.path) ?? 1, field: fieldName(p.path), message: p.message }));
  }
  rubricChecksPending.set(scenario, errors);
  return errors;
}

/** A built-in scenario from its validated data: its runbook is read, the rest waits for first use. */
function trustedScenario(path: string, data: ScenarioFile, opts: ScenarioLoadOptions, lexicon: CompiledLexicon): LoadedScenario {
  const found = resolveRunbookPath(path, data.runbook, opts.base);
  if (!found) {
    const problem = { file: displayPath(path), line: 1, field: "runbook", message: `runbook ${data.runbook} does not exist` };
    return { id: data.id, scenario: null, problems: [problem] };
  }
  const runbookText = readFileSync(found.path, "utf8");
  const runbookRef = runbookRefOf(found.path, opts.base);
  const precedents = () => readPrecedents(path, data.id);
  const headings = opts.headings ?? {};
  // The model the build trained from this very scenario, runbook, lexicon and precedents, if it did.
  const trainedModel = () => {
    const precedentsText = precedentsFileText(path, data.id);
    if (precedentsText === null) return undefined;
    return cachedPrecedentModel(
      data.id,
      precedentModelKey({ scenarioHash: scenarioHash(data, runbookText, headings), lexicon, precedentsText }),
    );
  };
  const scenario = buildScenario(data, runbookText, { headings, runbookRef, lexicon, precedents, trainedModel });
  return { id: data.id, scenario, problems: [] };
}

/** The runbook as people know it: its path from the base folder, else as displayed. */
function runbookRefOf(runbookPath: string, base: string): string {
  const fromBase = relative(base, runbookPath);
  return fromBase.startsWith("..") ? displayPath(runbookPath) : fromBase.split("\\").join("/");
}

/** The roles of a scenario that declares none: who leads, who talks to people, who writes it down. */
export const DEFAULT_ROLES: Role[] = [
  { id: "ic", name: "Incident Commander" },
  { id: "comms", name: "Communications" },
  { id: "scribe", name: "Scribe" },
];

/** A drillable scenario from validated file data and its runbook text (also used for stored versions).
 * The costly parts (compiled rubrics, the parsed runbook and its findings, the hash) are worked
 * out on first use and kept: most commands read a catalog's ids and titles and drill one of
 * them, so compiling every rubric up front was most of their start-up. A given `rubric` (already
 * compiled by the checks) is used as it is. */
export function buildScenario(
  data: ScenarioFile,
  runbookText: string,
  options: {
    headings?: HeadingMap;
    runbookRef?: string;
    lexicon?: CompiledLexicon;
    rubric?: CompiledRubric;
    /** The scenario's precedents, read when first needed (see readPrecedents). */
    precedents?: () => readonly LabelledAnswer[];
    /** A model already trained on them (the build's, for a built-in scenario); undefined: train. */
    trainedModel?: () => PrecedentModel | null | undefined;
  } = {},
): Scenario {
  const headings = options.headings ?? {};
  const lexicon = () => options.lexicon ?? builtinLexicon();
  const scenario = {
    ...data,
    roleList: data.roles ?? DEFAULT_ROLES,
    readWindowMs: parseDuration(data.read_window) ?? 0,
    timeLimitMs: parseDuration(data.time_limit) ?? 0,
    injectOffsetsMs: data.injects.map((i) => parseDuration(i.at) ?? 0),
    quick: data.tree === undefined,
    runbookRef: options.runbookRef ?? data.runbook,
    ...(Object.keys(headings).length > 0 ? { runbookHeadings: headings } : {}),
  } as Scenario;
  const given = options.rubric;
  // The scenario's own text: an answer that checks a system it never mentions checks the wrong one.
  const texts = () => scenarioTexts(data, runbookText, headings);
  defineOnFirstUse(scenario, "rubric", () =>
    given ? { ...given, ...scenarioTextFields(texts()) } : compileRubric(data.first_move.rubric, lexicon(), texts()),
  );
  defineOnFirstUse(scenario, "roleRubrics", () => {
    const text = texts();
    return Object.fromEntries(
      (data.roles ?? []).flatMap((role) => (role.first_move ? [[role.id, compileRubric(role.first_move.rubric, lexicon(), text)]] : [])),
    );
  });
  defineOnFirstUse(scenario, "runbookDoc", () => parseRunbook(runbookText, { headings }));
  defineOnFirstUse(scenario, "runbookFindings", () => runbookFindings(scenario.runbookDoc, headings));
  defineOnFirstUse(scenario, "hash", () => scenarioHash(data, runbookText, headings));
  // Not content: kept out of spreads and JSON (a stored version gets them from the catalog's).
  defineHiddenOnFirstUse(scenario, "precedents", () => options.precedents?.() ?? []);
  defineHiddenOnFirstUse(scenario, "precedentModel", () => {
    const trained = options.trainedModel?.();
    return trained !== undefined ? trained : trainPrecedentModel(scenario.rubric, scenario.precedents);
  });
  return scenario;
}

/** The folder beside a scenario file that holds its precedents (answers people judged). */
export const PRECEDENTS_FOLDER = "precedents";

export const precedentsPath = (scenarioPath: string, id: string) => join(dirname(scenarioPath), PRECEDENTS_FOLDER, `${id}.yml`);

function precedentsFileText(scenarioPath: string, id: string): string | null {
  try {
    return readFileSync(precedentsPath(scenarioPath, id), "utf8");
  } catch {
    return null;
  }
}

/** Lint's look at a scenario's precedents file: warnings (a scenario with a broken or thin file
 * still runs, judged by its rubric alone), with file, line and field. */
function precedentsProblems(scenarioPath: string, id: string): LintProblem[] {
  const path = precedentsPath(scenarioPath, id);
  const text = precedentsFileText(scenarioPath, id);
  if (text === null) return [];
  const unused = " (the precedents are not used until it is fixed)";
  // A built-in file the build validated needs only its counts (parsing it was most of lint's time).
  let summary = cachedBuiltin(path, text) as { scenario: string; accepts: number; rejects: number } | undefined;
  if (!summary) {
    const { files, problems } = readCorpusFile(path, text);
    if (problems.length > 0) return problems.map((p) => ({ ...p, message: `${p.message}${unused}`, severity: "warning" as const }));
    const answers = files[0]?.answers ?? [];
    const accepts = answers.filter((a) => a.accept).length;
    summary = { scenario: files[0]?.scenario ?? id, accepts, rejects: answers.length - accepts };
  }
  const file = displayPath(path);
  const { accepts, rejects } = summary;
  if (summary.scenario !== id)
    return [
      {
        file,
        line: 1,
        field: "scenario",
        message: `is "${summary.scenario}", but this file holds the precedents of "${id}"${unused}`,
        severity: "warning",
      },
    ];
  if (accepts < MIN_PRECEDENTS_PER_LABEL || rejects < MIN_PRECEDENTS_PER_LABEL)
    return [
      {
        file,
        line: 1,
        field: "answers",
        message: `${accepts} accepted and ${rejects} rejected: at least ${MIN_PRECEDENTS_PER_LABEL} of each are needed before precedents judge answers (the rubric judges alone until then)`,
        severity: "warning",
      },
    ];
  return [];
}

/** The judged answers in precedents/<id>.yml beside a scenario file (the corpus format: scenario,
 * answers of text, label, why), or none. A broken file gives none here; lint names its problems. */
export function readPrecedents(scenarioPath: string, id: string): LabelledAnswer[] {
  const text = precedentsFileText(scenarioPath, id);
  if (text === null) return [];
  const { files, problems } = readCorpusFile(precedentsPath(scenarioPath, id), text);
  return problems.length > 0 ? [] : files.filter((f) => f.scenario === id).flatMap((f) => f.answers);
}

/** What a rubric compares an answer's names with: the scenario's text (`knownText`: its fields and
 * runbook, but not the answers its rubric samples reject — a host an author put in a wrong answer is
 * not the scenario's), and its focus (`focusText`: the alert, the runbook's trigger and first checks,
 * the expected first move and the rubric with its accepted samples — what the first move is about;
 * the injects, the tree and the rest of the runbook also name the systems around the incident). */
export function scenarioTexts(
  data: ScenarioFile,
  runbookText: string,
  headings: HeadingMap = {},
): { knownText: string; focusText: string } {
  const withoutRejects = (move: ScenarioFile["first_move"]) => ({ ...move, samples: { accept: move.samples?.accept ?? [] } });
  const known = {
    ...data,
    first_move: withoutRejects(data.first_move),
    ...(data.roles ? { roles: data.roles.map((r) => (r.first_move ? { ...r, first_move: withoutRejects(r.first_move) } : r)) } : {}),
  };
  const runbook = parseRunbook(runbookText, { headings });
  const firstChecks = [runbook.sections.trigger?.body ?? "", runbook.sections.verify?.body ?? ""].join("\n");
  const focus = {
    title: data.title,
    summary: data.summary,
    trigger: data.trigger,
    first_move: withoutRejects(data.first_move),
    roles: (data.roles ?? []).flatMap((r) => (r.first_move ? [withoutRejects(r.first_move)] : [])),
  };
  const knownText = `${JSON.stringify(known)}\n${runbookText}`.toLowerCase();
  // A team's own runbook often has neither section ("## Steps", "## Diagnosis"): its first
  // checks are then somewhere in the whole text, and nothing it names is "around" the incident.
  if (!runbook.sections.trigger && !runbook.sections.verify) return { knownText, focusText: knownText };
  return { knownText, focusText: `${JSON.stringify(focus)}\n${firstChecks}`.toLowerCase() };
}

/** A compiled rubric's scenario text fields, for a rubric compiled before its scenario's text was known. */
function scenarioTextFields(texts: { knownText: string; focusText: string }): Pick<CompiledRubric, "knownText" | "focusText"> {
  return { knownText: texts.knownText, focusText: texts.focusText };
}

/** An enumerable property computed by its first read and then kept as a plain value, so a
 * scenario looks and copies (spread, JSON) as if it had been filled in up front. */
function defineOnFirstUse<K extends keyof Scenario>(scenario: Scenario, key: K, compute: () => Scenario[K], enumerable = true): void {
  Object.defineProperty(scenario, key, {
    enumerable,
    configurable: true,
    get() {
      const value = compute();
      Object.defineProperty(scenario, key, { value, enumerable, configurable: true, writable: true });
      return value;
    },
    set(value: Scenario[K]) {
      Object.defineProperty(scenario, key, { value, enumerable, configurable: true, writable: true });
    },
  });
}

/** The same, but left out of spreads and JSON: what is not the scenario's content. */
const defineHiddenOnFirstUse = <K extends keyof Scenario>(scenario: Scenario, key: K, compute: () => Scenario[K]) =>
  defineOnFirstUse(scenario, key, compute, false);

/** sha256 of what a drill ran on. A heading map changes how the runbook reads, so it counts. */
export function scenarioHash(data: ScenarioFile, runbookText: string, headings: HeadingMap = {}): string {
  const hash = createHash("sha256").update(JSON.stringify(data)).update("\0").update(runbookText);
  if (Object.keys(headings).length > 0) hash.update("\0").update(JSON.stringify(headings));
  return hash.digest("hex");
}

/** Every scenario YAML file under the given paths (files or folders), sorted; dot-folders,
 * node_modules, precedents/ folders and a folder's lexicon.yml / drillbot.yml are not scenarios. */
export function scenarioFiles(paths: string[]): string[] {
  const found: string[] = [];
  const visit = (path: string, top: boolean) => {
    const name = basename(path);
    if (statSync(path).isDirectory()) {
      if (!top && (name.startsWith(".") || name === "node_modules" || name === PRECEDENTS_FOLDER)) return;
      for (const entry of readdirSync(path).sort()) visit(join(path, entry), false);
    } else if (isYaml(path) && (top || !NOT_SCENARIOS.has(name))) {
      found.push(path);
    }
  };
  for (const path of paths) visit(path, true);
  return found;
}

/** The config a plain folder stands for: its scenarios/ only (tests, benchmarks, old callers). */
function folderConfig(root: string, paths?: string[]): CatalogConfig {
  return { file: null, base: root, catalogs: paths ?? [join(root, "scenarios")], builtin: false, headings: {}, problems: [] };
}

/** Loads the built-in library (unless turned off) and every catalog folder; reports the rest.
 * A team's scenario with a built-in's id replaces the built-in one. One lexicon for all: the
 * built-in one extended by the lexicon.yml of each catalog folder. */
export function loadCatalog(from: CatalogConfig | string, paths?: string[], options: LoadOptions = {}): Catalog {
  const config = typeof from === "string" ? folderConfig(from, paths) : paths ? { ...from, catalogs: paths } : from;
  const folders =
    typeof from === "string"
      ? lexiconFolders(from, config.catalogs)
      : config.catalogs.map((c) => (existsSync(c) && statSync(c).isDirectory() ? c : dirname(c)));
  const loadedLexicon = loadLexicon(folders);
  const lexicon = loadedLexicon.lexicon;
  const catalog: Catalog = {
    config,
    scenarios: new Map(),
    lexicon,
    problems: [...config.problems, ...loadedLexicon.problems],
    skipped: new Map(),
    files: new Map(),
    overrides: [],
  };
  const builtinIds = new Set<string>();
  if (config.builtin) {
    for (const path of scenarioFiles([join(PACKAGE_ROOT, "scenarios")])) {
      const loaded = loadScenarioFile(path, { base: PACKAGE_ROOT, lexicon, trusted: true });
      if (!loaded.scenario) continue; // the package's own library is checked by its own CI
      catalog.scenarios.set(loaded.scenario.id, loaded.scenario);
      catalog.files.set(loaded.scenario.id, path);
      builtinIds.add(loaded.scenario.id);
    }
  }
  for (const target of config.catalogs) {
    if (!existsSync(target))
      catalog.problems.push({ file: displayPath(target), line: 1, field: "(file)", message: "no such file or folder" });
  }
  const teamIds = new Map<string, string>();
  for (const path of scenarioFiles(config.catalogs.filter((t) => existsSync(t)))) {
    const loaded = loadScenarioFile(path, { base: config.base, headings: config.headings, lexicon, ...options });
    catalog.problems.push(...loaded.problems);
    const scenario = loaded.scenario;
    if (!scenario) {
      const reasons = loaded.problems.filter(isError);
      catalog.skipped.set(loaded.id, reasons);
      const fileId = basename(path, extname(path));
      if (fileId !== loaded.id && !catalog.skipped.has(fileId)) catalog.skipped.set(fileId, reasons);
      continue;
    }
    const previous = teamIds.get(scenario.id);
    if (previous) {
      const problem = { file: displayPath(path), line: 1, field: "id", message: `duplicate id "${scenario.id}", also in ${previous}` };
      catalog.problems.push(problem);
      catalog.skipped.set(`${scenario.id} (${displayPath(path)})`, [problem]);
      continue;
    }
    teamIds.set(scenario.id, displayPath(path));
    if (builtinIds.has(scenario.id)) catalog.overrides.push(scenario.id);
    catalog.scenarios.set(scenario.id, scenario);
    catalog.files.set(scenario.id, path);
  }
  if (options.authoring)
    catalog.problems.push(
      ...orphanPrecedents(
        catalog,
        config.catalogs.filter((t) => existsSync(t)),
      ),
    );
  return catalog;
}

/** Lint: a precedents/<id>.yml with no scenario of that id beside its folder (a typo in the name,
 * a scenario renamed or removed) is read by nothing; say so rather than leave it unused. */
function orphanPrecedents(catalog: Catalog, paths: string[]): LintProblem[] {
  // Per folder of the scenarios linted: the ids its scenarios declare, and the name of every YAML
  // file in it (a scenario that failed to load, or was not among the files linted, is no orphan).
  const idsByFolder = new Map<string, Set<string>>();
  for (const folder of new Set(scenarioFiles(paths).map((p) => dirname(p)))) {
    const ids = new Set(
      readdirSync(folder)
        .filter(isYaml)
        .map((name) => basename(name, extname(name))),
    );
    for (const [id, path] of catalog.files) if (dirname(path) === folder) ids.add(id);
    idsByFolder.set(folder, ids);
  }
  const problems: LintProblem[] = [];
  for (const [folder, ids] of idsByFolder) {
    const precedents = join(folder, PRECEDENTS_FOLDER);
    if (!existsSync(precedents) || !statSync(precedents).isDirectory()) continue;
    for (const name of readdirSync(precedents).sort()) {
      if (!isYaml(name)) continue;
      const id = basename(name, extname(name));
      if (ids.has(id) && extname(name) === ".yml") continue;
      const message = ids.has(id)
        ? `precedents are read from ${PRECEDENTS_FOLDER}/${id}.yml: this file is not used`
        : `no scenario "${id}" in ${displayPath(folder)}: these precedents are not used (the file is named after its scenario's id)`;
      problems.push({ file: displayPath(join(precedents, name)), line: 1, field: "(file)", message, severity: "warning" });
    }
  }
  return problems;
}

/** Lints runbook files on their own (for `drillbot lint runbooks/x.md`): every finding is a warning. */
export function lintRunbookFile(path: string, headings: HeadingMap = {}): LintProblem[] {
  const file = displayPath(path);
  return runbookFindings(parseRunbook(readFileSync(path, "utf8"), { headings }), headings).map((f) => ({
    file,
    line: f.line,
    field: f.field,
    message: f.message,
    severity: "warning" as const,
  }));
}

/** Hugo section pages (_index.md), READMEs and the like are not runbooks. */
export function isRunbookPage(path: string): boolean {
  const name = basename(path).toLowerCase();
  if (extname(name) !== ".md") return false;
  if (name.startsWith("_") || name.startsWith(".")) return false;
  return !/^(readme|contributing|changelog|license|licence|code_of_conduct|security|template)\b/.test(name);
}

export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") || rel === "" ? path : rel;
}
