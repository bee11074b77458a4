// Writes schema/scenario.schema.json and schema/lexicon.schema.json from the zod schemas:
// `npm run schema`. A test fails when a committed file is out of date, so they never drift.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { lexiconJsonSchemaText, scenarioJsonSchemaText } from "../src/domain/jsonSchema.js";

for (const [name, text] of [
  ["scenario", scenarioJsonSchemaText()],
  ["lexicon", lexiconJsonSchemaText()],
] as const) {
  const target = fileURLToPath(new URL(`../schema/${name}.schema.json`, import.meta.url));
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
