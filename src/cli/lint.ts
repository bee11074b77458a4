import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { displayPath, isRunbookPage, lintRunbookFile, loadCatalog, PRECEDENTS_FOLDER, resolveRunbookPath } from "../catalog/catalog.js";
import { type CatalogConfig, PACKAGE_ROOT } from "../catalog/config.js";
import { LEXICON_FILE, readLexiconFile } from "../catalog/lexicon.js";
import { formatProblem, type LintProblem } from "../catalog/problems.js";
import type { CliIO } from "./io.js";

/** Splits the arguments into runbook files (.md), scenario files, lexicons and pages that are not runbooks. */
function collect(paths: string[]): {
  runbooks: string[];
  scenarios: string[];
  lexicons: string[];
  missing: string[];
  notRunbooks: string[];
} {
  const runbooks: string[] = [];
  const scenarios: string[] = [];
  const lexicons: string[] = [];
  const missing: string[] = [];
  const notRunbooks: string[] = [];
  const visit = (path: string, top: boolean) => {
    if (!existsSync(path)) {
      missing.push(path);
      return;
    }
    const name = basename(path);
    if (statSync(path).isDirectory()) {
      if (!top && (name.startsWith(".") || name === "node_modules" || name === PRECEDENTS_FOLDER)) return;
      for (const entry of readdirSync(path).sort()) visit(join(path, entry), false);
    } else if (extname(path) === ".md") {
      (isRunbookPage(path) ? runbooks : notRunbooks).push(path);
    } else if (name === LEXICON_FILE) {
      lexicons.push(path);
    } else if ([".yml", ".yaml"].includes(extname(path)) && (top || name !== "drillbot.yml")) {
      scenarios.push(path);
    }
  };
  for (const path of paths) visit(path, true);
  return { runbooks, scenarios, lexicons, missing, notRunbooks };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `drillbot lint [--strict] [paths…]`: one `file:line: field: message` line per problem on
 * stdout, then a summary. Exit 1 on an error (or, with --strict, on a warning too). */
export function lintCommand(args: string[], config: CatalogConfig, io: CliIO): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { strict: { type: "boolean", default: false } } });
  const strict = values.strict ?? false;
  const problems: LintProblem[] = [...config.problems];
  let scenarioPaths: string[];
  let explicitRunbooks: string[] = [];
  let notRunbooks: string[] = [];
  let lexicons: string[] = [];
  let lintConfig = config;
  if (positionals.length > 0) {
    const found = collect(positionals.map((a) => resolve(a)));
    problems.push(...found.missing.map((file) => ({ file, line: 1, field: "(file)", message: "no such file or folder" })));
    scenarioPaths = found.scenarios;
    explicitRunbooks = found.runbooks;
    notRunbooks = found.notRunbooks;
    lexicons = found.lexicons;
    if (found.scenarios.length === 0 && found.runbooks.length === 0 && found.lexicons.length === 0 && found.missing.length === 0) {
      problems.push({ file: positionals.join(" "), line: 1, field: "(file)", message: "no scenario (.yml) or runbook (.md) files found" });
    }
  } else if (config.catalogs.length > 0) {
    scenarioPaths = config.catalogs;
  } else {
    // No catalog of the team's: lint the built-in library itself (this is drillbot's own repo).
    lintConfig = { ...config, base: PACKAGE_ROOT, builtin: false };
    scenarioPaths = [join(PACKAGE_ROOT, "scenarios")];
  }

  // Lint scores every rubric's samples too: the content checks work for any catalog.
  const catalog = scenarioPaths.length > 0 ? loadCatalog(lintConfig, scenarioPaths, { authoring: true }) : null;
  // A lexicon.yml beside scenarios is checked with them; one named on its own is checked here.
  if (!catalog) for (const lexicon of lexicons) problems.push(...readLexiconFile(lexicon).problems);
  // The scenarios linted: those under the paths (not the built-ins loaded to catch a clash of ids).
  const inPaths = (file: string | undefined) => file !== undefined && scenarioPaths.some((p) => file === p || file.startsWith(`${p}/`));
  const ran = catalog ? [...catalog.scenarios.values()].filter((s) => inPaths(catalog.files.get(s.id))) : [];
  const linked = new Set<string>();
  if (catalog) {
    problems.push(...catalog.problems.filter((p) => !config.problems.includes(p)));
    for (const scenario of ran) {
      const runbook = resolveRunbookPath(catalog.files.get(scenario.id) ?? "", scenario.runbook, lintConfig.base);
      if (runbook) linked.add(runbook.path);
    }
  }
  for (const runbook of explicitRunbooks) {
    if (!linked.has(runbook)) problems.push(...lintRunbookFile(runbook, config.headings));
    linked.add(runbook);
  }

  // A runbook linked from two scenarios is reported once.
  const lines = [...new Set(problems.map(formatProblem))];
  const errors = new Set(problems.filter((p) => p.severity !== "warning").map(formatProblem)).size;
  const warnings = lines.length - errors;
  for (const line of lines) io.out(line);
  for (const id of catalog?.overrides ?? []) {
    io.out(`note: ${displayPath(catalog?.files.get(id) ?? id)} replaces the built-in scenario ${id}`);
  }
  const quick = ran.filter((s) => s.quick).length;
  const total = ran.length + (catalog?.skipped.size ?? 0);
  const parts = [
    `${ran.length} of ${plural(total, "scenario")} valid${ran.length > 0 ? ` (${plural(ran.length - quick, "full drill")}, ${plural(quick, "quick drill")})` : ""}`,
    `${plural(linked.size, "runbook")}${lexicons.length && !catalog ? ` and ${plural(lexicons.length, "lexicon")}` : ""} checked`,
  ];
  if (notRunbooks.length > 0) parts.push(`not runbooks, skipped: ${notRunbooks.map(displayPath).join(", ")}`);
  const summary = parts.join(", ");
  if (errors > 0 || (strict && warnings > 0)) {
    io.out(
      `${plural(errors, "error")}, ${plural(warnings, "warning")}${strict && warnings > 0 ? " (--strict: warnings fail)" : ""}; ${summary}`,
    );
    return 1;
  }
  io.out(
    `ok: ${summary}${warnings > 0 ? `; ${plural(warnings, "warning")} (runbook findings and content checks: drills still run; --strict fails on them)` : ""}`,
  );
  return 0;
}
