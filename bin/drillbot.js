#!/usr/bin/env node
// The drillbot command. It runs the compiled JavaScript in dist/ (built by `npm run build`, which
// `npm ci`, `npm pack` and a git install run through `prepare`): no TypeScript loader at run
// time, so commands start fast and the Slack app's memory is its own.
//
// A checkout of the repository also has src/. There dist/ is used only while it is up to date:
// when a file under src/ is newer than the last build (an edit, a git checkout) or dist/ is
// missing, the TypeScript in src/ runs through tsx, so a developer never runs stale code and
// needs no build step while working. `npm run build` makes the checkout fast again.
import { existsSync, readdirSync, statSync } from "node:fs";

const source = new URL("../src/cli/main.ts", import.meta.url);
const compiled = new URL("../dist/cli/main.js", import.meta.url);
/** Written by scripts/build.js after a successful build. */
const buildStamp = new URL("../dist/.build-stamp", import.meta.url);

/** The newest modification time of a file under dir, in ms (a few ms for src/'s ~200 files). */
function newestUnder(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function compiledIsCurrent() {
  if (!existsSync(compiled) || !existsSync(buildStamp)) return false;
  if (!existsSync(source)) return true; // the published package: dist/ is all there is
  return newestUnder(new URL("../src", import.meta.url).pathname) <= statSync(buildStamp).mtimeMs;
}

async function load() {
  if (compiledIsCurrent()) return import(compiled.href);
  if (existsSync(source)) {
    let register = null;
    try {
      ({ register } = await import("tsx/esm/api"));
    } catch (error) {
      // Only a missing TypeScript loader (dev dependencies left out) falls back; an error in
      // the sources themselves is shown as it is, never hidden behind an older build.
      if (error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
    }
    if (register) {
      register();
      return import(source.href);
    }
    if (existsSync(compiled)) {
      process.stderr.write(
        "drillbot: src/ is newer than dist/ and tsx is not installed: running the older build in dist/ (run `npm run build`)\n",
      );
      return import(compiled.href);
    }
  }
  process.stderr.write("drillbot: dist/ is missing and tsx is not installed; run `npm install` and `npm run build` first\n");
  process.exit(1);
}

const { main } = await load();
process.exitCode = await main(process.argv.slice(2));
