import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadCatalog } from "../../src/catalog/catalog.js";
import { formatProblem } from "../../src/catalog/problems.js";
import { lexiconJsonSchemaText, scenarioJsonSchemaText } from "../../src/domain/jsonSchema.js";
import { firstMoveScore } from "../../src/domain/scoring.js";
import { REPO_ROOT } from "../helpers.js";

// The scenario library is half the product: every file in scenarios/ must lint clean and its
// rubric must score every sample first move right.

const catalog = loadCatalog(REPO_ROOT, undefined, { authoring: true });

describe("scenario library", () => {
  it("lints clean", () => {
    assert.deepEqual(catalog.problems.map(formatProblem), []);
    const files = readdirSync(join(REPO_ROOT, "scenarios")).filter((f) => f.endsWith(".yml") && f !== "lexicon.yml");
    assert.equal(catalog.scenarios.size, files.length);
  });

  it("has the five failure modes every team meets", () => {
    for (const id of ["payment-5xx", "cache-miss", "silent-batch", "image-signature", "cwpp-shell"]) {
      assert.ok(catalog.scenarios.has(id), `missing scenario ${id}`);
    }
  });

  it("points every file at the generated JSON Schema, which is up to date", () => {
    const committed = readFileSync(join(REPO_ROOT, "schema/scenario.schema.json"), "utf8");
    assert.equal(committed, scenarioJsonSchemaText(), "run npm run schema and commit schema/scenario.schema.json");
    const lexicon = readFileSync(join(REPO_ROOT, "schema/lexicon.schema.json"), "utf8");
    assert.equal(lexicon, lexiconJsonSchemaText(), "run npm run schema and commit schema/lexicon.schema.json");
    for (const id of [...catalog.scenarios.keys(), "lexicon"]) {
      const first = readFileSync(join(REPO_ROOT, `scenarios/${id}.yml`), "utf8").split("\n")[0];
      const schema = id === "lexicon" ? "lexicon" : "scenario";
      assert.equal(first, `# yaml-language-server: $schema=../schema/${schema}.schema.json`, id);
    }
  });

  for (const scenario of catalog.scenarios.values()) {
    describe(scenario.id, () => {
      it("meets the content bar: tagged sre or security, a stakes inject and a clue inject", () => {
        assert.ok(scenario.tags.includes("sre") || scenario.tags.includes("security"));
        const kinds = scenario.injects.map((i) => i.kind);
        assert.ok(kinds.includes("stakes") && kinds.includes("clue"), `inject kinds: ${kinds.join(", ")}`);
        assert.ok(scenario.rubric.risky.length > 0, "the rubric names the risky fixes that fail");
        assert.equal(scenario.first_move.rubric.must, undefined, "the rubric uses the v2 shape (core, supporting, risky)");
      });

      it("scores every sample first move right (at least 3 good and 3 bad)", () => {
        const samples = scenario.first_move.samples ?? { accept: [], reject: [] };
        assert.ok(samples.accept.length >= 3 && samples.reject.length >= 3);
        for (const answer of samples.accept) {
          assert.equal(firstMoveScore(answer, scenario.rubric).correct, true, `good answer scored wrong: "${answer}"`);
        }
        for (const answer of samples.reject) {
          assert.equal(firstMoveScore(answer, scenario.rubric).correct, false, `bad answer scored right: "${answer}"`);
        }
      });
    });
  }
});

describe("the library's precedents", () => {
  const shipped = loadCatalog(REPO_ROOT);

  it("give every scenario a model trained on enough judged answers of each label", () => {
    for (const [id, scenario] of shipped.scenarios) {
      const accepts = scenario.precedents.filter((p) => p.accept).length;
      const rejects = scenario.precedents.length - accepts;
      assert.ok(accepts >= 200 && rejects >= 200, `${id}: ${accepts} accepted, ${rejects} rejected precedents`);
      assert.notEqual(scenario.precedentModel, null, id);
    }
  });

  it("are not part of a scenario's content: a copy or its JSON leaves them out", () => {
    const scenario = shipped.scenarios.get("payment-5xx");
    assert.ok(scenario && scenario.precedents.length > 0);
    assert.equal("precedents" in { ...scenario }, false);
    assert.doesNotMatch(JSON.stringify({ ...scenario, runbookDoc: null }), /"precedent/);
  });
});
