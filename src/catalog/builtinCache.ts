import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { lexiconSchema } from "../domain/lexicon.js";
import { type PrecedentModel, precedentModelFromJson, precedentModelToJson } from "../domain/precedents.js";
import { scenarioSchemas } from "../domain/scenario.js";
import { PACKAGE_ROOT } from "./config.js";
import { corpusFileSchema } from "./corpus.js";
import { parseYamlSource } from "./yamlSource.js";

// The built-in library, read and validated once at build time. `npm run build` writes every
// built-in scenario file and the built-in lexicon, as the schema returns them, next to the
// compiled code (dist/catalog/builtin-library.json); a command then reads that instead of
// parsing some 200 kB of YAML and validating it again, which was most of `drillbot list`.
// Each entry carries the sha256 of the file it came from: a file that differs (an edit in a
// checkout, a newer package) is read from its YAML as before, so the cache is never stale.

const CACHE_PATH = fileURLToPath(new URL("./builtin-library.json", import.meta.url));

interface CacheFile {
  /** Files by their path from the package root (scenarios/payment-5xx.yml). */
  files: Record<string, { sha256: string; data: unknown }>;
}

let cache: CacheFile | null | undefined;

function readCache(): CacheFile | null {
  if (cache === undefined) {
    try {
      cache = JSON.parse(readFileSync(CACHE_PATH, "utf8")) as CacheFile;
    } catch {
      cache = null; // no build (tsx in a checkout) or an unreadable file: read the YAML
    }
  }
  return cache;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const keyOf = (path: string) => relative(PACKAGE_ROOT, path).split("\\").join("/");

/** The validated data of a built-in file whose text is `text`, when the cache holds that very text. */
export function cachedBuiltin(path: string, text: string): unknown {
  const entry = readCache()?.files[keyOf(path)];
  return entry && entry.sha256 === sha256(text) ? entry.data : undefined;
}

/** Build time: validate every given built-in file and write the cache (files that fail are left out).
 * A precedents file is kept as its scenario id and label counts: all lint needs of a valid one. */
export function writeBuiltinCache(scenarioPaths: readonly string[], lexiconPath: string, precedentsPaths: readonly string[] = []): number {
  const files: CacheFile["files"] = {};
  const add = (path: string, schema: { safeParse(data: unknown): { success: true; data: unknown } | { success: false } }) => {
    const text = readFileSync(path, "utf8");
    const source = parseYamlSource(text);
    if (source.errors.length > 0) return;
    const parsed = schema.safeParse(source.data ?? {});
    if (parsed.success) files[keyOf(path)] = { sha256: sha256(text), data: parsed.data };
  };
  for (const path of scenarioPaths) add(path, scenarioSchemas().ScenarioSchema);
  add(lexiconPath, lexiconSchema());
  const summary = corpusFileSchema().transform((file) => ({
    scenario: file.scenario,
    accepts: file.answers.filter((a) => a.label === "accept").length,
    rejects: file.answers.filter((a) => a.label === "reject").length,
  }));
  for (const path of precedentsPaths) add(path, summary);
  writeFileSync(CACHE_PATH, `${JSON.stringify({ files } satisfies CacheFile)}\n`);
  return Object.keys(files).length;
}

// The built-in scenarios' precedent models, trained at build time too: training scores some 500
// judged answers with the rubric (a third of a second), which a drill's first answer must not
// wait for. dist/catalog/precedents/<id>.json holds one, with the sha256 of the scenario file and
// of the precedents file it was trained from; either changed, and the model is trained on first use.

const PRECEDENTS_DIR = fileURLToPath(new URL("./precedents/", import.meta.url));

const precedentKey = (scenarioText: string, precedentsText: string) => sha256(`${sha256(scenarioText)}\0${sha256(precedentsText)}`);

/** The model built for a built-in scenario from exactly these two texts, if the build made one. */
export function cachedPrecedentModel(id: string, scenarioText: string, precedentsText: string): PrecedentModel | null | undefined {
  let entry: { key?: string; model?: unknown };
  try {
    entry = JSON.parse(readFileSync(`${PRECEDENTS_DIR}${id}.json`, "utf8")) as { key?: string; model?: unknown };
  } catch {
    return undefined; // no build, or not built for this scenario
  }
  if (entry.key !== precedentKey(scenarioText, precedentsText)) return undefined;
  return entry.model === null ? null : (precedentModelFromJson(entry.model) ?? undefined);
}

/** Build time: one trained model per built-in scenario that has precedents. */
export function writeBuiltinPrecedents(
  entries: readonly { id: string; scenarioText: string; precedentsText: string; model: PrecedentModel | null }[],
): number {
  mkdirSync(PRECEDENTS_DIR, { recursive: true });
  for (const e of entries) {
    const model = e.model ? precedentModelToJson(e.model) : null;
    writeFileSync(`${PRECEDENTS_DIR}${e.id}.json`, `${JSON.stringify({ key: precedentKey(e.scenarioText, e.precedentsText), model })}\n`);
  }
  return entries.length;
}
