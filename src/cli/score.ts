import { parseArgs } from "node:util";
import { loadCatalog } from "../catalog/catalog.js";
import type { CatalogConfig } from "../catalog/config.js";
import { closestId } from "../domain/closest.js";
import { judgeFirstMove } from "../domain/precedents.js";
import type { FirstMoveVerdict } from "../domain/scoring.js";
import type { CliIO } from "./io.js";
import { terminalSafe } from "./renderDebrief.js";

/** The verdict with its reasons, as `drillbot score` prints it. */
export function renderVerdict(scenarioId: string, answer: string, v: FirstMoveVerdict): string {
  const lines = [`${scenarioId}: ${v.correct ? "CORRECT" : "WRONG"}${v.needsReview ? ` · needs review (${v.reviewReason})` : ""}`];
  lines.push(`  answer: “${terminalSafe(answer)}”`);
  lines.push("  core (every concept needed):");
  for (const c of v.core) {
    const how =
      c.matched !== null
        ? `✓ “${terminalSafe(c.matched)}”`
        : c.negated
          ? "✗ dismissed or negated in the answer"
          : c.offTarget !== undefined
            ? `✗ about the wrong thing: “${terminalSafe(c.offTarget)}”`
            : "✗ missing";
    lines.push(`    ${c.concept}: ${how}`);
  }
  if (v.supporting.length > 0) {
    lines.push("  supporting (nice to have):");
    for (const c of v.supporting) lines.push(`    ${c.concept}: ${c.matched !== null ? `✓ “${terminalSafe(c.matched)}”` : "– left out"}`);
  }
  lines.push(`  risky: ${v.risky.length > 0 ? v.risky.map((r) => `“${terminalSafe(r)}”`).join(", ") : "none"}`);
  if (v.conditional?.length)
    lines.push(`  next step, only if the check confirms: ${v.conditional.map((r) => `“${terminalSafe(r)}”`).join(", ")}`);
  if (v.precedent) {
    const ruling = v.precedent;
    lines.push(
      `  precedents: the rubric said ${ruling.rulesSaid ? "correct" : "wrong"}; answers judged before put this one at ${Math.round(ruling.acceptability * 100)}% acceptable`,
    );
    lines.push(
      `    closest ${v.correct ? "accepted" : "rejected"}: “${terminalSafe(ruling.closest)}”${ruling.closestWhy ? ` — ${terminalSafe(ruling.closestWhy)}` : ""}`,
    );
  }
  lines.push(`  why: ${terminalSafe(v.reason)}`);
  return lines.join("\n");
}

/** `drillbot score <scenario> "answer"`: how the rubric judges one first move, and why. */
export function scoreCommand(args: string[], config: CatalogConfig, io: CliIO): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean", default: false } } });
  const [scenarioId, ...words] = positionals;
  const answer = words.join(" ").trim();
  if (!scenarioId || answer === "") {
    io.err(
      'usage: drillbot score <scenario> "first move" [--json]   e.g. drillbot score payment-5xx "check the provider errors dashboard"',
    );
    return 2;
  }
  const catalog = loadCatalog(config);
  const scenario = catalog.scenarios.get(scenarioId);
  if (!scenario) {
    const closest = closestId(scenarioId, catalog.scenarios.keys());
    io.err(`no scenario "${scenarioId}"${closest ? `; did you mean ${closest}?` : ""} (drillbot list shows them)`);
    return 2;
  }
  const verdict = judgeFirstMove(answer, scenario.rubric, scenario.precedentModel);
  io.out(values.json ? JSON.stringify(verdict, null, 2) : renderVerdict(scenarioId, answer, verdict));
  return 0;
}
