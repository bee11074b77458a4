import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import { lintRunbookFile, loadCatalog } from "../catalog/catalog.js";
import { LEXICON_FILE, readLexiconFile } from "../catalog/lexicon.js";
import { formatProblem, isError, type LintProblem } from "../catalog/problems.js";
import type { CliIO } from "./io.js";

/** Splits the arguments into runbook files (.md) and scenario paths (files or folders). */
function collect(paths: string[]): { runbooks: string[]; scenarios: string[]; lexicons: string[]; missing: string[] } {
  const runbooks: string[] = [];
  const scenarios: string[] = [];
  const lexicons: string[] = [];
  const missing: string[] = [];
  const visit = (path: string) => {
    if (!existsSync(path)) missing.push(path);
    else if (statSync(path).isDirectory()) for (const entry of readdirSync(path).sort()) visit(join(path, entry));
    else if (extname(path) === ".md") runbooks.push(path);
    else if (basename(path) === LEXICON_FILE) lexicons.push(path);
    else if ([".yml", ".yaml"].includes(extname(path))) scenarios.push(path);
  };
  for (const path of paths) visit(path);
  return { runbooks, scenarios, lexicons, missing };
}

/** `drillbot lint [paths…]`: one `file:line: field: message` line per problem, exit 1 if any. */
export function lintCommand(args: string[], root: string, io: CliIO): number {
  const paths = args.length > 0 ? args.map((a) => resolve(a)) : [join(root, "scenarios"), join(root, "runbooks")];
  const { runbooks, scenarios, lexicons, missing } = collect(paths);
  const problems: LintProblem[] = missing.map((file) => ({ file, line: 1, field: "(file)", message: "no such file or folder" }));
  for (const runbook of runbooks) problems.push(...lintRunbookFile(runbook));
  const catalog = scenarios.length > 0 ? loadCatalog(root, scenarios, { checkSamples: true }) : null;
  if (catalog) problems.push(...catalog.problems);
  // A lexicon.yml beside scenarios is checked with them; one named on its own is checked here.
  if (!catalog) for (const lexicon of lexicons) problems.push(...readLexiconFile(lexicon).problems);
  if (scenarios.length === 0 && runbooks.length === 0 && lexicons.length === 0 && missing.length === 0) {
    problems.push({ file: paths.join(" "), line: 1, field: "(file)", message: "no scenario (.yml) or runbook (.md) files found" });
  }
  // A runbook linked from a scenario and also named on the command line is reported once.
  const lines = [...new Set(problems.filter(isError).map(formatProblem))];
  const warnings = [...new Set(problems.filter((p) => !isError(p)).map(formatProblem))];
  for (const line of [...lines, ...warnings]) io.err(line);
  const summary = `${catalog?.scenarios.size ?? 0} of ${scenarios.length} scenario(s) valid, ${runbooks.length} runbook(s)${lexicons.length ? ` and ${lexicons.length} lexicon(s)` : ""} checked`;
  if (lines.length > 0) {
    io.err(`${lines.length} problem(s)${warnings.length ? `, ${warnings.length} warning(s)` : ""}; ${summary}`);
    return 1;
  }
  io.out(`ok: ${summary}${warnings.length ? ` (${warnings.length} warning(s))` : ""}`);
  return 0;
}
