import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { closeMatch } from "../domain/closest.js";
import type { HeadingMap } from "../domain/runbook.js";
import { RUNBOOK_PARTS } from "../domain/scenario.js";
import { onFirstUse, zod } from "../domain/zodOnDemand.js";
import { fieldName, type LintProblem } from "./problems.js";
import { parseYamlSource } from "./yamlSource.js";

// drillbot.yml: where a team's scenarios live, whether the built-in library comes along, and
// how to read the team's runbook headings. Found in DRILLBOT_HOME, else the working directory
// or the nearest folder above it that has one.

export const CONFIG_FILE = "drillbot.yml";

/** The package's own folder (scenarios/, runbooks/, schema/), from src/catalog or dist/catalog. */
export const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));

const configSchema = onFirstUse(() => {
  const z = zod().z;
  return z
    .object({
      catalogs: z
        .array(z.string().trim().min(1, "must not be empty"))
        .default([])
        .describe("Folders of scenario files (*.yml), relative to drillbot.yml; each may hold a lexicon.yml"),
      builtin: z.boolean().default(true).describe("Include drillbot's built-in scenario library (default true)"),
      headings: z
        .record(z.string(), z.enum([...RUNBOOK_PARTS, "none"]))
        .default({})
        .describe("Your runbook headings → the five parts (trigger, verify, impact, diagnose, mitigate, or none)"),
    })
    .strict();
});

export interface CatalogConfig {
  /** drillbot.yml, or null when there is none (the defaults apply). */
  file: string | null;
  /** The folder paths are relative to: drillbot.yml's folder, DRILLBOT_HOME or the working directory. */
  base: string;
  /** Absolute folders (or files) of the team's scenarios. */
  catalogs: string[];
  builtin: boolean;
  headings: HeadingMap;
  /** Problems in drillbot.yml itself. */
  problems: LintProblem[];
}

/** Only the built-in library (and nothing of the team's): the package's own checkout. */
export function builtinOnly(base = PACKAGE_ROOT): CatalogConfig {
  return { file: null, base, catalogs: [], builtin: true, headings: {}, problems: [] };
}

/** The nearest folder at or above `from` holding drillbot.yml, or null. */
export function findConfigFile(from: string): string | null {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

const samePath = (a: string, b: string) => relative(resolve(a), resolve(b)) === "";

/** Where the catalog comes from for a command run in `cwd` with this environment. */
export function resolveConfig(cwd: string, env: NodeJS.ProcessEnv = {}): CatalogConfig {
  const home = env.DRILLBOT_HOME ? resolve(cwd, env.DRILLBOT_HOME) : null;
  const file = home ? (existsSync(join(home, CONFIG_FILE)) ? join(home, CONFIG_FILE) : null) : findConfigFile(cwd);
  if (file) return readConfig(file);
  const base = home ?? cwd;
  // No drillbot.yml: a scenarios/ folder next to us is the team's catalog, added to the built-ins.
  const scenarios = join(base, "scenarios");
  if (existsSync(scenarios) && statSync(scenarios).isDirectory() && !samePath(base, PACKAGE_ROOT)) {
    return { file: null, base, catalogs: [scenarios], builtin: true, headings: {}, problems: [] };
  }
  return builtinOnly(base);
}

/** Reads and validates drillbot.yml; problems carry file:line, and a bad file loads nothing of the team's. */
export function readConfig(file: string): CatalogConfig {
  const base = dirname(file);
  const empty: CatalogConfig = { file, base, catalogs: [], builtin: true, headings: {}, problems: [] };
  const source = parseYamlSource(readFileSync(file, "utf8"));
  const shown = relative(process.cwd(), file).startsWith("..") ? file : relative(process.cwd(), file);
  if (source.errors.length > 0) {
    return { ...empty, problems: source.errors.map((e) => ({ file: shown, line: e.line, field: "yaml", message: e.message })) };
  }
  const parsed = configSchema().safeParse(source.data ?? {});
  if (!parsed.success) {
    return {
      ...empty,
      problems: parsed.error.issues.flatMap((issue) => {
        if (issue.code === "unrecognized_keys") {
          return issue.keys.map((key) => {
            const close = closeMatch(key, Object.keys(configSchema().shape));
            return {
              file: shown,
              line: source.lineOf([...issue.path, key]),
              field: fieldName([...issue.path, key]),
              message: `unknown key "${key}"${close ? ` (did you mean "${close}"?)` : ` (known: ${Object.keys(configSchema().shape).join(", ")})`}`,
            };
          });
        }
        return [{ file: shown, line: source.lineOf(issue.path), field: fieldName(issue.path), message: issue.message }];
      }),
    };
  }
  const problems: LintProblem[] = [];
  const catalogs = parsed.data.catalogs.map((folder, i) => {
    const path = resolve(base, folder);
    if (!existsSync(path)) {
      problems.push({ file: shown, line: source.lineOf(["catalogs", i]), field: `catalogs.${i}`, message: `no such folder: ${folder}` });
    }
    return path;
  });
  return { file, base, catalogs, builtin: parsed.data.builtin, headings: parsed.data.headings, problems };
}

/** The text `drillbot init` writes. */
export function configText(catalogs: string[], builtin = true): string {
  return [
    "# drillbot configuration; every key is explained in node_modules/drillbot/docs/configuration.md",
    "# Folders of scenario files, relative to this file. A scenario's runbook: path is relative to",
    "# the scenario file, so scenarios and runbooks stay where they are.",
    "catalogs:",
    ...catalogs.map((c) => `  - ${c}`),
    "# drillbot's own scenario library (payment-5xx, cache-miss, …) alongside yours.",
    `builtin: ${builtin}`,
    "# Runbook headings drillbot does not know yet → trigger, verify, impact, diagnose, mitigate or none.",
    "# Meaning/Overview, Quick check/Triage, Impact, Diagnosis, Mitigation and their usual variants",
    "# are recognised without this.",
    "headings: {}",
    "",
  ].join("\n");
}
