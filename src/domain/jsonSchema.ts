import { lexiconSchema } from "./lexicon.js";
import { scenarioSchemas } from "./scenario.js";
import { zod } from "./zodOnDemand.js";

/** The JSON Schema editors use for scenarios/*.yml, as committed text. */
export function scenarioJsonSchemaText(): string {
  // io "input": defaulted fields (read_window, must_not…) are optional to the author.
  const schema = zod().z.toJSONSchema(scenarioSchemas().ScenarioSchema, { io: "input", target: "draft-2020-12" });
  const withMeta = {
    $schema: schema.$schema,
    $id: "https://drillbot.dev/schema/scenario.schema.json",
    title: "drillbot scenario",
    description: "One failure mode for a drillbot drill: scenarios/<id>.yml",
    ...schema,
  };
  return `${JSON.stringify(withMeta, null, 2)}\n`;
}

/** The JSON Schema for scenarios/lexicon.yml (and a catalog's own lexicon.yml). */
export function lexiconJsonSchemaText(): string {
  const schema = zod().z.toJSONSchema(lexiconSchema(), { io: "input", target: "draft-2020-12" });
  const withMeta = {
    $schema: schema.$schema,
    $id: "https://drillbot.dev/schema/lexicon.schema.json",
    title: "drillbot lexicon",
    description: "Groups of interchangeable words every rubric understands: scenarios/lexicon.yml",
    ...schema,
  };
  return `${JSON.stringify(withMeta, null, 2)}\n`;
}
