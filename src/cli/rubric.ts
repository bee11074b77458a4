import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { displayPath, loadCatalog, precedentsPath } from "../catalog/catalog.js";
import { type CatalogConfig, PACKAGE_ROOT } from "../catalog/config.js";
import { readCorpusFile } from "../catalog/corpus.js";
import { formatProblem, type LintProblem } from "../catalog/problems.js";
import { closestId } from "../domain/closest.js";
import { percentPrecise } from "../domain/debriefWords.js";
import { MIN_PRECEDENTS_PER_LABEL, sameAnswerKey, trainPrecedentModel } from "../domain/precedents.js";
import { evaluateRubric, type LabelledAnswer } from "../domain/rubricEval.js";
import { suggestRubricChanges } from "../domain/rubricSuggest.js";
import type { Scenario } from "../domain/scenario.js";
import { termWords } from "../domain/scoring.js";
import type { ReviewedAnswer } from "../store/store.js";
import { databaseFromEnv } from "../store/stores.js";
import { openCliStores } from "./context.js";
import type { CliIO } from "./io.js";
import { terminalSafe } from "./renderDebrief.js";

// `drillbot rubric eval|suggest <scenario>`: how a rubric agrees with its samples and with every
// answer a facilitator reviewed, and what to add to it.

const USAGE =
  "usage: drillbot rubric eval <scenario> [--db PATH]   ·   drillbot rubric suggest <scenario> [--db PATH]   ·   drillbot rubric precedents <scenario> [--db PATH]";
const pct = percentPrecise;

/** Every answer a person decided on for the scenario's own first move, in the order decided, and
 * how many were left out for being given in a role with its own first move (that role's rubric
 * judged them). `missing`: the SQLite file named does not exist; null: the database could not be
 * opened (openCliStores has said why). */
async function decidedAnswers(
  scenario: Scenario,
  dbFlag: string | undefined,
  io: CliIO,
): Promise<{ decided: ReviewedAnswer[]; inRoles: number } | { missing: string } | null> {
  const chosen = databaseFromEnv(process.env, dbFlag);
  if (chosen.ok && chosen.database.kind === "sqlite" && !existsSync(chosen.database.path)) return { missing: chosen.database.path };
  const stores = await openCliStores(dbFlag, io);
  if (!stores) return null;
  try {
    const all = await stores.drills.reviewedAnswers(scenario.id);
    const decided = all.filter((r) => !ownFirstMoveRole(scenario, r.role));
    return { decided, inRoles: all.length - decided.length };
  } finally {
    await stores.close();
  }
}

/** The scenario's samples and every reviewed answer in the database, labelled. */
async function labelledAnswers(
  scenario: Scenario,
  dbFlag: string | undefined,
  io: CliIO,
): Promise<{ answers: LabelledAnswer[]; reviewed: number }> {
  const answers: LabelledAnswer[] = [];
  const samples = scenario.first_move.samples;
  for (const text of samples?.accept ?? []) answers.push({ text, accept: true, source: "sample" });
  for (const text of samples?.reject ?? []) answers.push({ text, accept: false, source: "sample" });
  const found = await decidedAnswers(scenario, dbFlag, io);
  if (found !== null && "missing" in found) io.err(`(no database at ${found.missing}: samples only)`);
  if (found === null || "missing" in found) return { answers, reviewed: 0 };
  for (const r of found.decided)
    answers.push({ text: r.text, accept: r.correct, source: `drill #${r.drillId}, decided by ${r.decidedBy}` });
  return { answers, reviewed: found.decided.length };
}

export async function rubricCommand(args: string[], config: CatalogConfig, io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { db: { type: "string" } } });
  const [sub, scenarioId] = positionals;
  if ((sub !== "eval" && sub !== "suggest" && sub !== "precedents") || !scenarioId || positionals.length > 2) {
    io.err(USAGE);
    return 2;
  }
  const catalog = loadCatalog(config);
  const scenario = catalog.scenarios.get(scenarioId);
  if (!scenario) {
    const closest = closestId(scenarioId, catalog.scenarios.keys());
    io.err(`no scenario "${scenarioId}"${closest ? `; did you mean ${closest}?` : ""} (drillbot list shows them)`);
    return 2;
  }
  if (sub === "precedents") return addDecidedPrecedents(scenario, catalog.files.get(scenarioId), values.db, io);
  const { answers, reviewed } = await labelledAnswers(scenario, values.db, io);
  if (answers.length === 0) {
    io.err(`${scenarioId} has no samples and no reviewed answers yet: add first_move.samples, or review a drill (drillbot review <id>)`);
    return 1;
  }
  if (sub === "eval") {
    // Judged as a drill judges them, by a model that has not seen these answers as precedents.
    const model = trainPrecedentModel(
      scenario.rubric,
      scenario.precedents,
      answers.map((a) => a.text),
    );
    const result = evaluateRubric(scenario.rubric, answers, model);
    const s = result.stats;
    io.out(`${scenarioId}: ${s.total} labelled answers (${s.total - reviewed} samples, ${reviewed} reviewed by people)`);
    io.out(
      model
        ? `  judged by the rubric and ${model.accepts + model.rejects} precedents (precedents/${scenarioId}.yml; ${s.overruled} verdict(s) overruled)`
        : "  judged by the rubric alone (no precedents file, or fewer than 10 of a label)",
    );
    io.out(`  accuracy      ${pct(s.accuracy)} (${s.correct} of ${s.total})`);
    io.out(`  false rejects ${pct(s.falseRejectRate)} (${s.falseRejects} of ${s.accepts} acceptable answers called wrong)`);
    io.out(`  false accepts ${pct(s.falseAcceptRate)} (${s.falseAccepts} of ${s.rejects} unacceptable answers called correct)`);
    for (const m of result.misses) {
      io.out(
        `  ${m.accept ? "false reject" : "false accept"} (${m.source ?? "?"}): “${terminalSafe(m.text)}” — ${terminalSafe(m.verdict.reason)}`,
      );
    }
    if (result.misses.length > 0) io.out(`  drillbot rubric suggest ${scenarioId} proposes additions`);
    return 0;
  }
  // Suggestions are for the rubric: what its own rules missed, before any precedent.
  const result = evaluateRubric(scenario.rubric, answers);
  const s = result.stats;
  const knownWords = [...scenario.rubric.core, ...scenario.rubric.supporting]
    .flatMap((c) => c.terms.map((t) => termWords(t.text, catalog.lexicon)))
    .flatMap((w) => w.split(" "));
  const suggestions = suggestRubricChanges({
    scored: result.scored,
    lexicon: catalog.lexicon,
    knownWords,
    reference: `${scenario.runbookDoc.sections.verify?.body ?? ""}\n${scenario.first_move.expected}`,
  });
  if (suggestions.length === 0) {
    io.out(`${scenarioId}: nothing to suggest — the rubric agrees with all ${s.total} labelled answers`);
    return 0;
  }
  io.out(
    `${scenarioId}: ${s.falseRejects} acceptable answer(s) it rejects, ${s.falseAccepts} unacceptable one(s) it accepts. Suggestions:`,
  );
  for (const x of suggestions) {
    const where =
      x.kind === "core"
        ? `add to first_move.rubric.core: "${x.term}"`
        : x.kind === "lexicon"
          ? `add "${x.term}" to the lexicon group holding "${x.near}" (or a rubric term), it looks like the same word`
          : `add to first_move.rubric.risky: "${x.term}"`;
    io.out(`  ${where}  — in ${x.count} answer(s), e.g. “${terminalSafe(x.examples[0] ?? "")}”`);
  }
  io.out("Check each against the runbook before adding it; then drillbot rubric eval shows the effect.");
  return 0;
}

/** A role with a first move of its own: its answers are judged by that role's rubric, never the scenario's. */
const ownFirstMoveRole = (scenario: Scenario, role: string | null) =>
  role !== null && (scenario.roles ?? []).some((r) => r.id === role && r.first_move !== undefined);

/** `drillbot rubric precedents <scenario>`: every answer a facilitator decided on (Slack's Accept /
 * Reject, `drillbot review`) becomes a precedent in precedents/<id>.yml beside the scenario file,
 * so later drills are judged with it. Only answers not there yet are added, at the end of the
 * file; comments and hand edits stay. Answers given in a role with its own first move answer that
 * role's move, not the scenario's, and are left out. A built-in scenario's precedents ship with drillbot. */
async function addDecidedPrecedents(scenario: Scenario, file: string | undefined, dbFlag: string | undefined, io: CliIO): Promise<number> {
  if (!file || isInside(file, join(PACKAGE_ROOT, "scenarios"))) {
    io.err(
      `${scenario.id} is a built-in scenario: its precedents ship with drillbot. To keep your own, copy scenarios/${scenario.id}.yml (and its runbook) into your catalog folder, where it replaces the built-in one, and run this again.`,
    );
    return 2;
  }
  const found = await decidedAnswers(scenario, dbFlag, io);
  if (found === null) return 1;
  if ("missing" in found) {
    io.err(`no database at ${found.missing}: nothing has been decided yet (give --db PATH or set DATABASE_URL)`);
    return 1;
  }
  const { decided, inRoles } = found;
  const path = precedentsPath(file, scenario.id);
  const before = existsSync(path) ? readFileSync(path, "utf8") : null;
  const known = new Map<string, boolean>();
  if (before !== null) {
    const read = readCorpusFile(path);
    if (read.problems.length > 0) {
      for (const p of read.problems) io.err(formatProblem(p));
      io.err(`fix ${displayPath(path)} first: nothing was added`);
      return 1;
    }
    const named = read.files[0]?.scenario;
    if (named !== scenario.id) {
      io.err(
        `${displayPath(path)}: scenario: is "${named}", but this file holds the precedents of "${scenario.id}" (drills do not use it): fix it first, nothing was added`,
      );
      return 1;
    }
    for (const a of read.files[0]?.answers ?? []) known.set(sameAnswerKey(a.text), a.accept);
  }
  // The latest decision on an answer counts (they are in the order they were made).
  const latest = new Map<string, ReviewedAnswer>();
  for (const d of decided) latest.set(sameAnswerKey(d.text), d);
  const added: ReviewedAnswer[] = [];
  const disagree: string[] = [];
  for (const [key, d] of latest) {
    const was = known.get(key);
    if (was === undefined) added.push(d);
    else if (was !== d.correct)
      disagree.push(
        `  “${terminalSafe(d.text)}”: ${d.correct ? "accepted" : "rejected"} in drill #${d.drillId}, the other way in the file`,
      );
  }
  if (added.length > 0) {
    const appended = withPrecedentsAdded(before, scenario.id, added);
    if (!appended.ok) {
      io.err(`${displayPath(path)}: ${appended.message}`);
      return 1;
    }
    const written = replaceFile(path, appended.text, before);
    if (!written.ok) {
      for (const p of written.problems) io.err(formatProblem(p));
      io.err(written.message);
      return 1;
    }
  }
  const now = readCorpusFile(path).files[0]?.answers ?? [];
  const accepts = now.filter((a) => a.accept).length;
  io.out(
    `${scenario.id}: ${added.length} decided answer(s) added to ${displayPath(path)} (${decided.length} decided in all; the file now holds ${accepts} accepted and ${now.length - accepts} rejected)`,
  );
  if (inRoles > 0)
    io.out(
      `${inRoles} decided answer(s) given in a role with its own first move left out: they answer that role's move, not the scenario's`,
    );
  if (disagree.length > 0) {
    io.out(
      `${disagree.length} decided answer(s) already there with the other label, left as the file says (edit it if the decision stands):`,
    );
    for (const line of disagree) io.out(line);
  }
  if (accepts < MIN_PRECEDENTS_PER_LABEL || now.length - accepts < MIN_PRECEDENTS_PER_LABEL)
    io.out(
      `precedents judge answers once there are at least ${MIN_PRECEDENTS_PER_LABEL} of each label; until then the rubric judges alone`,
    );
  else if (added.length > 0) io.out("drills started from now on are judged with them (a running bot reads them when it restarts)");
  return 0;
}

/** The precedents file's text with `added` at the end of its answers (a new file when `before` is
 * null). Each text is written as a double-quoted YAML scalar (JSON's escapes are YAML's), so any
 * answer reads back as it was typed. Refused when answers: is not the file's last key in block
 * style: appending there would land the answers under another key. */
export function withPrecedentsAdded(
  before: string | null,
  scenarioId: string,
  added: readonly { text: string; correct: boolean; drillId: number }[],
): { ok: true; text: string } | { ok: false; message: string } {
  const item = (d: (typeof added)[number], indent: string) =>
    [
      `${indent}- text: ${JSON.stringify(d.text)}`,
      `${indent}  label: ${d.correct ? "accept" : "reject"}`,
      ...(d.correct ? [] : [`${indent}  why: ${JSON.stringify(`decided in drill #${d.drillId}`)}`]),
    ].join("\n");
  if (before === null) {
    const head = `# Precedents for ${scenarioId}: answers people judged (drillbot rubric precedents adds the ones\n# facilitators decide on). A drill lets them overrule the rubric where answers worded like a\n# new one were clearly judged the other way.\nscenario: ${scenarioId}\nanswers:\n`;
    return { ok: true, text: `${head}${added.map((d) => item(d, "  ")).join("\n")}\n` };
  }
  const lines = before.split(/\r?\n/);
  const at = lines.findIndex((l) => /^answers:\s*(#.*)?$/.test(l));
  // After answers: only its items, comments and blank lines; no other key, no second document.
  if (at < 0 || lines.slice(at + 1).some((l) => /^([^\s#-]|---)/.test(l)))
    return { ok: false, message: `answers: must be the file's last key, in block style (one "- text:" per answer), to add to it` };
  const indent = /^(\s*)- /.exec(lines.slice(at + 1).find((l) => /^\s*- /.test(l)) ?? "")?.[1] ?? "  ";
  return { ok: true, text: `${before.replace(/\n*$/, "\n")}${added.map((d) => item(d, indent)).join("\n")}\n` };
}

/** Replaces the file with `text` only if it still holds `before` (null: it did not exist), and
 * only with a file drillbot can read: the text is written beside it, read back, and renamed over
 * it, so a reader (a bot starting) never sees half a file, a crash leaves the old one, and an edit
 * made meanwhile (by hand, or by another run of this command) is not overwritten. */
export function replaceFile(
  path: string,
  text: string,
  before: string | null,
): { ok: true } | { ok: false; message: string; problems: LintProblem[] } {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text);
    const check = readCorpusFile(temp);
    if (check.problems.length > 0)
      return {
        ok: false,
        message: `could not add to ${displayPath(path)}: it is as it was`,
        problems: check.problems.map((p) => ({ ...p, file: displayPath(path) })),
      };
    const now = existsSync(path) ? readFileSync(path, "utf8") : null;
    if (now !== before)
      return { ok: false, message: `${displayPath(path)} changed while adding to it: nothing was added, run this again`, problems: [] };
    renameSync(temp, path);
    return { ok: true };
  } finally {
    rmSync(temp, { force: true });
  }
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}
