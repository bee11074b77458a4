import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileLexicon } from "../../src/domain/lexicon.js";
import { suggestRubricChanges } from "../../src/domain/rubricSuggest.js";
import { compileRubric, firstMoveScore } from "../../src/domain/scoring.js";

// drillbot rubric suggest proposes additions in the rubric's concept form: the lexicon group of a
// word it knows, and a pair of words as a combination term.

const lexicon = compileLexicon([{ groups: { provider: ["psp", "vendor"], error: ["errors", "5xx"], restart: ["bounce"] }, forms: {} }]);
const rubric = compileRubric({ core: [["status page"]], risky: ["restart"] }, lexicon);
const scored = (text: string, accept: boolean) => ({ text, accept, verdict: firstMoveScore(text, rubric) });

describe("rubric suggest", () => {
  it("proposes a missed pair of words as a combination of lexicon concepts, once", () => {
    const suggestions = suggestRubricChanges({
      scored: [scored("psp errors split please", true), scored("vendor errors split please", true), scored("bounce it", false)],
      lexicon,
      knownWords: ["status", "page"],
    });
    const core = suggestions.filter((s) => s.kind === "core").map((s) => s.term);
    assert.ok(core.includes("provider + error"), core.join(", "));
    assert.equal(core.filter((t) => t === "provider + error").length, 1);
    // A term it proposes is one the rubric can use as written.
    const extended = compileRubric({ core: [["status page", "provider + error"]], risky: ["restart"] }, lexicon);
    assert.equal(firstMoveScore("errors at the vendor?", extended).correct, true);
  });
});
