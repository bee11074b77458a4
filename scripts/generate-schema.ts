// Writes schema/scenario.schema.json from the zod schema: `npm run schema`.
// A test fails when the committed file is out of date, so the two never drift.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { scenarioJsonSchemaText } from "../src/domain/jsonSchema.js";

const target = fileURLToPath(new URL("../schema/scenario.schema.json", import.meta.url));
writeFileSync(target, scenarioJsonSchemaText());
console.log(`wrote ${target}`);
