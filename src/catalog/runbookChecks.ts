import { PART_SYNONYMS, PART_TITLES } from "../domain/runbook.js";
import { RUNBOOK_PARTS, type Runbook } from "../domain/scenario.js";
import type { LintProblem } from "./problems.js";

const ROLLBACK_WORDS = /\b(roll ?back|undo|revert|reverse|restore)/i;

/** The runbook has all five parts, none empty, and its mitigations say how to undo them. */
export function checkRunbook(file: string, runbook: Runbook): LintProblem[] {
  const problems: LintProblem[] = [];
  if (runbook.title.trim() === "") {
    problems.push({ file, line: 1, field: "title", message: 'add a title as the first heading, e.g. "# Payment provider 5xx"' });
  }
  for (const part of RUNBOOK_PARTS) {
    const section = runbook.sections[part];
    if (!section) {
      const also = PART_SYNONYMS[part].slice(1, 4).map((s) => s.replace(/^\w/, (c) => c.toUpperCase()));
      problems.push({
        file,
        line: 1,
        field: part,
        message: `missing part "${PART_TITLES[part]}": add a heading "## ${PART_TITLES[part]}" (also accepted: ${also.join(", ")}…)`,
      });
    } else if (section.body.trim() === "") {
      problems.push({ file, line: section.line, field: part, message: `"${section.heading}" is empty` });
    }
  }
  const mitigate = runbook.sections.mitigate;
  if (mitigate && mitigate.body.trim() !== "" && !ROLLBACK_WORDS.test(`${mitigate.heading}\n${mitigate.body}`)) {
    problems.push({
      file,
      line: mitigate.line,
      field: "mitigate",
      message: "mitigations must say how to undo each step (no rollback, undo or revert found)",
    });
  }
  return problems;
}
