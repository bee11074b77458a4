// Preloaded (`node --require`) into the CLI runs of bench/cliStart.ts: when the process exits,
// writes its peak resident set (VmHWM, kB, start-up included) and the CPU time it used (user +
// system, ms; on a busy machine a steadier figure than wall time) to $BENCH_PEAK_RSS_FILE.
// Plain CommonJS so it costs the measured process next to nothing.
const { readFileSync, writeFileSync } = require("node:fs");

const file = process.env.BENCH_PEAK_RSS_FILE;
if (file) {
  process.on("exit", () => {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    const cpu = process.cpuUsage();
    writeFileSync(file, `${match ? match[1] : ""} ${((cpu.user + cpu.system) / 1000).toFixed(1)}`);
  });
}
