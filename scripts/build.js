// `npm run build` and `prepare`: compile src/ to dist/ with the TypeScript compiler. An install
// without devDependencies (npm ci --omit=dev in a checkout) has no compiler: say so and go on
// rather than fail the install; bin/drillbot.js then explains what is missing if it is run.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve("typescript/bin/tsc");
} catch {
  console.warn("drillbot: TypeScript is not installed (no devDependencies), so dist/ was not built");
  process.exit(0);
}
const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });
process.exit(result.status ?? 1);
