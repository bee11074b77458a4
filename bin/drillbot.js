#!/usr/bin/env node
// The drillbot command. The published package runs the compiled JavaScript in dist/ (built by
// `npm run build`, which `npm pack` and a git install run through `prepare`). A checkout of the
// repository runs the TypeScript in src/ through tsx, so there is no build step while developing.
import { existsSync } from "node:fs";

const source = new URL("../src/cli/main.ts", import.meta.url);
const compiled = new URL("../dist/cli/main.js", import.meta.url);

async function load() {
  if (existsSync(source)) {
    try {
      const { register } = await import("tsx/esm/api");
      register();
      return await import(source.href);
    } catch (error) {
      if (error?.code !== "ERR_MODULE_NOT_FOUND" || !existsSync(compiled)) throw error;
    }
  }
  if (!existsSync(compiled)) {
    process.stderr.write("drillbot: dist/ is missing; run `npm run build` first\n");
    process.exit(1);
  }
  return import(compiled.href);
}

const { main } = await load();
process.exitCode = await main(process.argv.slice(2));
