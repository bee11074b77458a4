// `npm run eval:scoring [folder]`: scores a labelled corpus of first moves (default
// test/fixtures/eval/) with the scenarios' rubrics and prints a per-scenario table and totals.
// Exit 1 when a target is missed (accuracy ≥ 95%, false rejects ≤ 5%, false accepts ≤ 3%,
// every scenario ≥ 85%). --misses lists the answers it got wrong.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runScoringEval } from "../src/cli/scoringEval.js";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const folder = resolve(args.find((a) => !a.startsWith("--")) ?? `${REPO_ROOT}/test/fixtures/eval`);
if (!existsSync(folder)) {
  console.error(`no corpus at ${folder}: give a folder of <scenario>.yml files (scenario: id, answers: [{text, label}])`);
  process.exit(2);
}
const report = runScoringEval(REPO_ROOT, folder, { misses: args.includes("--misses"), rulesOnly: args.includes("--rules-only") });
console.log(report.text);
process.exit(report.ok ? 0 : 1);
