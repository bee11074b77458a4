import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readCorpusFile } from "../../src/catalog/corpus.js";
import { replaceFile, withPrecedentsAdded } from "../../src/cli/rubric.js";
import { tempDir } from "../helpers.js";

// How `drillbot rubric precedents` writes a scenario's precedents file: any answer text reads back
// as it was typed, the file's own layout and comments stay, and a file is replaced whole or not at all.

const decided = (text: string, correct: boolean) => ({ text, correct, drillId: 7 });

/** The answers of a precedents file with this text, as drillbot reads it. */
function answersOf(text: string) {
  const path = join(tempDir(), "p.yml");
  writeFileSync(path, text);
  const read = readCorpusFile(path);
  assert.deepEqual(read.problems, [], text);
  return read.files[0]?.answers.map((a) => [a.text, a.accept, a.why]);
}

describe("a precedents file, added to", () => {
  it("keeps any answer's text exactly: quotes, colons, #, newlines, line separators, controls, long text", () => {
    const texts = [
      'say "hi": ok # not a comment',
      "key: value\n- text: injected\n  label: accept",
      "C:\\path\\n and a \\ back",
      "a\u2028b\u2029c\u0085d",
      "tab\there, NUL \u0000, DEL \u007f, C1 \u0090, BOM \ufeff, emoji 🔍",
      "'single' & *star &anchor !tag %percent @at `tick` | > {a: [1]}",
      "x".repeat(5000),
      "   leading and trailing spaces   ",
    ];
    const created = withPrecedentsAdded(
      null,
      "s",
      texts.map((t) => decided(t, false)),
    );
    assert.ok(created.ok);
    assert.deepEqual(
      answersOf(created.text),
      texts.map((t) => [t, false, "decided in drill #7"]),
    );
  });

  it("appends after the last answer in the file's own indentation and keeps its comments and line ends", () => {
    const compact = "# ours\nscenario: s\nanswers:\n- text: a\n  label: accept\n# reviewed by ana\n\n\n";
    const added = withPrecedentsAdded(compact, "s", [decided("b", true)]);
    assert.ok(added.ok);
    assert.equal(
      added.text,
      '# ours\nscenario: s\nanswers:\n- text: a\n  label: accept\n# reviewed by ana\n- text: "b"\n  label: accept\n',
    );
    const windows = "scenario: s\r\nanswers:    # judged\r\n    - text: a\r\n      label: reject\r\n";
    const crlf = withPrecedentsAdded(windows, "s", [decided("b", true)]);
    assert.ok(crlf.ok);
    assert.deepEqual(answersOf(crlf.text), [
      ["a", false, undefined],
      ["b", true, undefined],
    ]);
    assert.match(crlf.text, /\n {4}- text: "b"\n {6}label: accept\n$/);
  });

  it("refuses a file where the answers would land under another key or in another document", () => {
    for (const text of [
      "answers:\n  - text: a\n    label: accept\nscenario: s\n",
      "scenario: s\nanswers: [{text: a, label: accept}]\n",
      "scenario: s\nanswers:\n  - text: a\n    label: accept\n---\n",
    ]) {
      const refused = withPrecedentsAdded(text, "s", [decided("b", true)]);
      assert.equal(refused.ok, false, text);
    }
  });
});

describe("replacing a precedents file", () => {
  const original = 'scenario: s\nanswers:\n  - text: "a"\n    label: accept\n';
  const next = `${original}  - text: "b"\n    label: reject\n`;

  it("replaces it when it still holds what was read, leaving nothing beside it", () => {
    const dir = tempDir();
    const path = join(dir, "s.yml");
    writeFileSync(path, original);
    assert.deepEqual(replaceFile(path, next, original), { ok: true });
    assert.equal(readFileSync(path, "utf8"), next);
    assert.deepEqual(readdirSync(dir), ["s.yml"]);
  });

  it("leaves it as it is when it changed since it was read, or when the new text would not read", () => {
    const dir = tempDir();
    const path = join(dir, "s.yml");
    const edited = `${original}# edited by hand meanwhile\n`;
    writeFileSync(path, edited);
    const stale = replaceFile(path, next, original);
    assert.equal(stale.ok, false);
    assert.match(stale.ok ? "" : stale.message, /changed while adding to it: nothing was added/);
    assert.equal(readFileSync(path, "utf8"), edited);
    const broken = replaceFile(path, `${edited}  - text: "c"\n    label: maybe\n`, edited);
    assert.equal(broken.ok, false);
    assert.match(broken.ok ? "" : broken.problems.map((p) => `${p.file}: ${p.field}`).join(), /s\.yml: answers\.1\.label/);
    assert.equal(readFileSync(path, "utf8"), edited);
    // A file that appeared since it was read as missing is not overwritten either.
    const appeared = join(dir, "t.yml");
    writeFileSync(appeared, original);
    assert.equal(replaceFile(appeared, next, null).ok, false);
    assert.equal(readFileSync(appeared, "utf8"), original);
    assert.deepEqual(readdirSync(dir).sort(), ["s.yml", "t.yml"]);
  });
});
