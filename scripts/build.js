// `npm run build` and `prepare`: compile src/ to dist/ with the TypeScript compiler. An install
// without devDependencies (npm ci --omit=dev in a checkout) has no compiler: say so and go on
// rather than fail the install; bin/drillbot.js then explains what is missing if it is run.
// After a clean build, dist/.build-stamp tells bin/drillbot.js that dist/ is as new as src/.
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve("typescript/bin/tsc");
} catch {
  console.warn("drillbot: TypeScript is not installed (no devDependencies), so dist/ was not built");
  process.exit(0);
}
const dist = new URL("../dist/", import.meta.url);
// From scratch, so a module deleted from src/ does not linger in dist/.
rmSync(dist, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });
if (result.status !== 0) process.exit(result.status ?? 1);
// The built-in library read and validated once, here, rather than by every command (src/catalog/builtinCache.ts).
const { writeBuiltinCache } = await import(new URL("catalog/builtinCache.js", dist).href);
const { scenarioFiles } = await import(new URL("catalog/catalog.js", dist).href);
const { BUILTIN_LEXICON_PATH } = await import(new URL("catalog/lexicon.js", dist).href);
const scenarios = new URL("../scenarios/", import.meta.url).pathname;
const { readdirSync } = await import("node:fs");
const precedentsDir = new URL("../scenarios/precedents/", import.meta.url).pathname;
const precedentFiles = readdirSync(precedentsDir)
  .filter((f) => f.endsWith(".yml"))
  .map((f) => precedentsDir + f);
const cached = writeBuiltinCache(scenarioFiles([scenarios]), BUILTIN_LEXICON_PATH, precedentFiles);
console.log(`drillbot: built dist/ (the built-in library: ${cached} files validated into dist/catalog/builtin-library.json)`);
// And each built-in scenario's precedent model, trained once here rather than on a drill's first answer,
// keyed by what it was trained from (src/catalog/builtinCache.ts).
const { writeBuiltinPrecedents, precedentModelKey } = await import(new URL("catalog/builtinCache.js", dist).href);
const { loadCatalog, precedentsPath } = await import(new URL("catalog/catalog.js", dist).href);
const { readFileSync, existsSync } = await import("node:fs");
const library = loadCatalog(new URL("..", import.meta.url).pathname);
const models = [];
for (const [id, scenario] of library.scenarios) {
  const file = library.files.get(id);
  if (!file || !existsSync(precedentsPath(file, id))) continue;
  const precedentsText = readFileSync(precedentsPath(file, id), "utf8");
  const key = precedentModelKey({ scenarioHash: scenario.hash, lexicon: library.lexicon, precedentsText });
  models.push({ id, key, model: scenario.precedentModel });
}
writeBuiltinPrecedents(models);
console.log(`drillbot: trained ${models.length} precedent models into dist/catalog/precedents/`);
writeFileSync(new URL(".build-stamp", dist), `${new Date().toISOString()}\n`);
