// Preloaded (`node --require`) into the CLI runs of bench/cliStart.ts: when the process exits,
// writes its peak resident set (VmHWM, kB, start-up included) to $BENCH_PEAK_RSS_FILE. Plain
// CommonJS so it costs the measured process next to nothing.
const { readFileSync, writeFileSync } = require("node:fs");

const file = process.env.BENCH_PEAK_RSS_FILE;
if (file) {
  process.on("exit", () => {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    writeFileSync(file, match ? match[1] : "");
  });
}
