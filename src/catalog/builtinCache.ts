import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type CompiledLexicon, lexiconSchema } from "../domain/lexicon.js";
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
// wait for. dist/catalog/precedents/<id>.json holds one, keyed by everything the model was trained
// from: the scenario's hash (its file's data, its runbook and heading map, which the rubric reads),
// the lexicon the rubric was compiled with, and the precedents file. Any of them changed (an edited
// runbook or lexicon.yml in a checkout, a team's lexicon extending the built-in one), and the
// model is trained on first use instead.

const PRECEDENTS_DIR = fileURLToPath(new URL("./precedents/", import.meta.url));

/** The lexicon's content (its forms and groups, which is all a rubric compiles from), as a hash. */
const lexiconHashes = new WeakMap<CompiledLexicon, string>();
function lexiconHash(lexicon: CompiledLexicon): string {
  let hash = lexiconHashes.get(lexicon);
  if (hash === undefined) {
    hash = sha256(JSON.stringify({ forms: [...lexicon.forms], groups: [...lexicon.groups] }));
    lexiconHashes.set(lexicon, hash);
  }
  return hash;
}

/** What a built model is looked up by: the same inputs give the same model on every machine. */
export function precedentModelKey(inputs: { scenarioHash: string; lexicon: CompiledLexicon; precedentsText: string }): string {
  return sha256(`${inputs.scenarioHash}\0${lexiconHash(inputs.lexicon)}\0${sha256(inputs.precedentsText)}`);
}

/** The model the build made for a built-in scenario from exactly these inputs (`key`), if any. */
export function cachedPrecedentModel(id: string, key: string, dir = PRECEDENTS_DIR): PrecedentModel | null | undefined {
  let entry: { key?: string; model?: unknown };
  try {
    entry = JSON.parse(readFileSync(join(dir, `${id}.json`), "utf8")) as { key?: string; model?: unknown };
  } catch {
    return undefined; // no build, or not built for this scenario
  }
  if (entry.key !== key) return undefined;
  return entry.model === null ? null : (precedentModelFromJson(entry.model) ?? undefined);
}

/** Build time: one trained model per built-in scenario that has precedents, with its key. */
export function writeBuiltinPrecedents(
  entries: readonly { id: string; key: string; model: PrecedentModel | null }[],
  dir = PRECEDENTS_DIR,
): number {
  mkdirSync(dir, { recursive: true });
  for (const e of entries) {
    const model = e.model ? precedentModelToJson(e.model) : null;
    writeFileSync(join(dir, `${e.id}.json`), `${JSON.stringify({ key: e.key, model })}\n`);
  }
  return entries.length;
}
