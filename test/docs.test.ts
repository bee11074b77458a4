import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { REPO_ROOT } from "./helpers.js";

// The README and docs/ are what a team reads: every link in them points at a file that is in
// the repository (and so in the package), never at notes kept somewhere else.

const pages = ["README.md", ...readdirSync(join(REPO_ROOT, "docs")).map((f) => `docs/${f}`)].filter((f) => f.endsWith(".md"));

describe("README and docs", () => {
  for (const page of pages) {
    it(`${page}: every relative link resolves to a file in the repository`, () => {
      const text = readFileSync(join(REPO_ROOT, page), "utf8");
      const links = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1] ?? "").filter((l) => !/^[a-z]+:/.test(l));
      for (const link of links)
        assert.ok(existsSync(join(REPO_ROOT, dirname(page), link)), `${page} links to ${link}, which is not in the repository`);
      assert.doesNotMatch(text, /shared\/CONTENT\.md|\/work\//, `${page} points outside the repository`);
    });
  }

  it("the authoring guide covers triggers, first moves, trees, reveals and injects", () => {
    const guide = readFileSync(join(REPO_ROOT, "docs/authoring.md"), "utf8");
    for (const topic of [/^## The trigger/m, /^## The first move/m, /^## The decision tree/m, /reveals/, /^## Injects/m])
      assert.match(guide, topic);
  });
});
