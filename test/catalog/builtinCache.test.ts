import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { cachedPrecedentModel, precedentModelKey, writeBuiltinPrecedents } from "../../src/catalog/builtinCache.js";
import { loadCatalog } from "../../src/catalog/catalog.js";
import { judgeFirstMove } from "../../src/domain/precedents.js";
import { REPO_ROOT, tempDir } from "../helpers.js";

// The precedent models `npm run build` trains for the built-in scenarios: a drill uses one only
// when it was trained from exactly what the drill judges with — the scenario, its runbook (the
// rubric reads it), the lexicon and the precedents. Otherwise the model is trained afresh.

const ID = "payment-5xx";
const PRECEDENTS = readFileSync(join(REPO_ROOT, `scenarios/precedents/${ID}.yml`), "utf8");

/** payment-5xx copied into a folder, its runbook edited as `editRunbook` says, with an optional lexicon.yml. */
function copiedCatalog(editRunbook: (text: string) => string, lexicon?: string) {
  const dir = tempDir();
  mkdirSync(join(dir, "runbooks"));
  mkdirSync(join(dir, "scenarios"));
  writeFileSync(join(dir, `runbooks/${ID}.md`), editRunbook(readFileSync(join(REPO_ROOT, `runbooks/${ID}.md`), "utf8")));
  copyFileSync(join(REPO_ROOT, `scenarios/${ID}.yml`), join(dir, `scenarios/${ID}.yml`));
  if (lexicon) writeFileSync(join(dir, "scenarios/lexicon.yml"), lexicon);
  return loadCatalog(dir);
}

describe("the build's precedent models", () => {
  const shipped = loadCatalog(REPO_ROOT);
  const scenario = shipped.scenarios.get(ID);
  assert.ok(scenario?.precedentModel);
  const dir = tempDir();
  const key = precedentModelKey({ scenarioHash: scenario.hash, lexicon: shipped.lexicon, precedentsText: PRECEDENTS });
  writeBuiltinPrecedents([{ id: ID, key, model: scenario.precedentModel }], dir);

  it("give back the model trained from the same scenario, runbook, lexicon and precedents, judging alike", () => {
    const built = cachedPrecedentModel(ID, key, dir);
    assert.deepEqual(built?.weights, scenario.precedentModel?.weights);
    // The same inputs loaded again (another process, another machine) find it.
    const again = copiedCatalog((t) => t);
    const sameKey = precedentModelKey({
      scenarioHash: again.scenarios.get(ID)?.hash ?? "",
      lexicon: again.lexicon,
      precedentsText: PRECEDENTS,
    });
    assert.equal(sameKey, key);
    const answer = 'sum by (pod) (rate(payments_provider_requests_total{code=~"5.."}[5m]))';
    assert.deepEqual(judgeFirstMove(answer, scenario.rubric, built), judgeFirstMove(answer, scenario.rubric, scenario.precedentModel));
  });

  it("are not used for an edited runbook, lexicon or precedents file", () => {
    const editedRunbook = copiedCatalog((t) => `${t}\nCheck the paycore-eu dashboard first.\n`);
    const runbookKey = precedentModelKey({
      scenarioHash: editedRunbook.scenarios.get(ID)?.hash ?? "",
      lexicon: editedRunbook.lexicon,
      precedentsText: PRECEDENTS,
    });
    assert.equal(cachedPrecedentModel(ID, runbookKey, dir), undefined, "an edited runbook");
    const extended = copiedCatalog((t) => t, "groups:\n  dashboard: [paycore board]\n");
    const lexiconKey = precedentModelKey({
      scenarioHash: extended.scenarios.get(ID)?.hash ?? "",
      lexicon: extended.lexicon,
      precedentsText: PRECEDENTS,
    });
    assert.equal(cachedPrecedentModel(ID, lexiconKey, dir), undefined, "a lexicon that extends the built-in one");
    const morePrecedents = `${PRECEDENTS}  - text: "check the paycore board"\n    label: accept\n`;
    const precedentsKey = precedentModelKey({ scenarioHash: scenario.hash, lexicon: shipped.lexicon, precedentsText: morePrecedents });
    assert.equal(cachedPrecedentModel(ID, precedentsKey, dir), undefined, "an edited precedents file");
  });
});
