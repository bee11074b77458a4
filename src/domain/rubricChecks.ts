import type { ScenarioFile } from "./scenario.js";

type FirstMove = ScenarioFile["first_move"];

import type { ScenarioProblem } from "./scenarioChecks.js";
import { type CompiledRubric, firstMoveScore } from "./scoring.js";

// Lint for a scenario's first-move rubric: it accepts its own expected first move, it scores every
// sample as labelled (so a team's catalog checks its rubrics the way this repo does), no term is
// only filler words, and the old must/must_not shape is reported with its v2 form.

const yamlList = (items: string[]) => `[${items.map((i) => (/[:,#[\]{}]/.test(i) ? JSON.stringify(i) : i)).join(", ")}]`;

/** The v2 form of an old rubric, as YAML a team can paste. */
export function rubricV2Text(rubric: { must?: string[][]; must_not?: string[] }): string {
  const lines = ["rubric:", "  core:"];
  for (const group of rubric.must ?? []) lines.push(`    - ${yamlList(group)}`);
  if (rubric.must_not?.length) lines.push(`  risky: ${yamlList(rubric.must_not)}`);
  return lines.join("\n");
}

/** With `samples`, every sample is scored too (lint does; loading the catalog to run drills need not). */
export function checkRubric(
  scenario: ScenarioFile,
  rubric: CompiledRubric,
  options: { samples?: boolean; roleRubrics?: Record<string, CompiledRubric> } = {},
): ScenarioProblem[] {
  const problems = checkFirstMove(scenario.first_move, rubric, ["first_move"], options);
  // A role with a first move of its own is checked the same way.
  (scenario.roles ?? []).forEach((role, i) => {
    const own = options.roleRubrics?.[role.id];
    if (role.first_move && own) problems.push(...checkFirstMove(role.first_move, own, ["roles", i, "first_move"], options));
  });
  return problems;
}

function checkFirstMove(
  firstMove: FirstMove,
  rubric: CompiledRubric,
  at: (string | number)[],
  options: { samples?: boolean },
): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const written = firstMove.rubric;
  if (written.must !== undefined) {
    problems.push({
      path: [...at, "rubric", "must"],
      severity: "warning",
      message: `deprecated rubric shape (must/must_not): it still works, but rubric v2 is shorter and fairer. Same rubric in v2 form (then drop terms the lexicon already covers):\n${rubricV2Text(written)}`,
    });
  }
  for (const term of rubric.emptyTerms) {
    problems.push({ path: [...at, "rubric"], message: `term "${term}" has only filler words (the, of, it…) and can never match` });
  }
  for (const term of rubric.shrunkTerms) {
    problems.push({
      path: [...at, "rubric"],
      severity: "warning",
      message: `term "${term}" matches a single word once filler (the, each, it…) is dropped: it may accept more than you meant`,
    });
  }
  const own = firstMoveScore(firstMove.expected, rubric);
  if (!own.correct) {
    problems.push({ path: [...at, "expected"], message: `the rubric rejects its own expected first move: ${own.reason}` });
  }
  const samples = options.samples ? firstMove.samples : undefined;
  samples?.accept.forEach((answer, i) => {
    const verdict = firstMoveScore(answer, rubric);
    if (!verdict.correct)
      problems.push({
        path: [...at, "samples", "accept", i],
        message: `the rubric scores this accept sample wrong (${verdict.reason}): "${answer}"`,
      });
  });
  samples?.reject.forEach((answer, i) => {
    const verdict = firstMoveScore(answer, rubric);
    if (verdict.correct)
      problems.push({
        path: [...at, "samples", "reject", i],
        message: `the rubric scores this reject sample correct (${verdict.reason}): "${answer}"`,
      });
  });
  return problems;
}
