import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadCatalog } from "../catalog/catalog.js";
import type { CatalogConfig } from "../catalog/config.js";
import { closestId } from "../domain/closest.js";
import { percentPrecise } from "../domain/debriefWords.js";
import { evaluateRubric, type LabelledAnswer } from "../domain/rubricEval.js";
import { suggestRubricChanges } from "../domain/rubricSuggest.js";
import type { Scenario } from "../domain/scenario.js";
import { termWords } from "../domain/scoring.js";
import { databaseFromEnv } from "../store/stores.js";
import { openCliStores } from "./context.js";
import type { CliIO } from "./io.js";
import { terminalSafe } from "./renderDebrief.js";

// `drillbot rubric eval|suggest <scenario>`: how a rubric agrees with its samples and with every
// answer a facilitator reviewed, and what to add to it.

const USAGE = "usage: drillbot rubric eval <scenario> [--db PATH]   ·   drillbot rubric suggest <scenario> [--db PATH]";
const pct = percentPrecise;

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
  const chosen = databaseFromEnv(process.env, dbFlag);
  if (chosen.ok && chosen.database.kind === "sqlite" && !existsSync(chosen.database.path)) {
    io.err(`(no database at ${chosen.database.path}: samples only)`);
    return { answers, reviewed: 0 };
  }
  const stores = await openCliStores(dbFlag, io);
  if (!stores) return { answers, reviewed: 0 };
  try {
    const reviewed = await stores.drills.reviewedAnswers(scenario.id);
    for (const r of reviewed) answers.push({ text: r.text, accept: r.correct, source: `drill #${r.drillId}, decided by ${r.decidedBy}` });
    return { answers, reviewed: reviewed.length };
  } finally {
    await stores.close();
  }
}

export async function rubricCommand(args: string[], config: CatalogConfig, io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { db: { type: "string" } } });
  const [sub, scenarioId] = positionals;
  if ((sub !== "eval" && sub !== "suggest") || !scenarioId || positionals.length > 2) {
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
  const { answers, reviewed } = await labelledAnswers(scenario, values.db, io);
  if (answers.length === 0) {
    io.err(`${scenarioId} has no samples and no reviewed answers yet: add first_move.samples, or review a drill (drillbot review <id>)`);
    return 1;
  }
  const result = evaluateRubric(scenario.rubric, answers);
  const s = result.stats;
  if (sub === "eval") {
    io.out(`${scenarioId}: ${s.total} labelled answers (${s.total - reviewed} samples, ${reviewed} reviewed by people)`);
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
