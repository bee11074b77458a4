import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./stats.js";

// How long the drillbot command takes to start, do one small job and exit, and how much memory it
// needs: each run is a new Node process (`node bin/drillbot.js …`) from the repo root. One
// untimed run first, so the figures are those of someone who has run it before (the OS file
// cache and tsx's transform cache warm), then the median of the timed runs. Node with an empty
// script is the floor.

const PEAK_RSS_PRELOAD = fileURLToPath(new URL("./peakRss.cjs", import.meta.url));

export interface CliCommandResult {
  name: string;
  /** The command line, as a person would type it. */
  command: string;
  /** Wall time from spawn to exit, per timed run, ms. */
  wallMs: number[];
  /** VmHWM at exit, per timed run, bytes; null where /proc is missing. */
  peakRssBytes: (number | null)[];
  /** The untimed first run's wall time. */
  firstRunMs: number;
}

export interface CliStartResult {
  runs: number;
  commands: CliCommandResult[];
}

export const CLI_COMMANDS: { name: string; args: string[] }[] = [
  { name: "node (empty script)", args: ["-e", ""] },
  { name: "drillbot list", args: ["bin/drillbot.js", "list"] },
  { name: "drillbot lint", args: ["bin/drillbot.js", "lint"] },
];

export async function benchCliStart(options: {
  repoRoot: string;
  workDir: string;
  runs: number;
  log: (line: string) => void;
}): Promise<CliStartResult> {
  mkdirSync(options.workDir, { recursive: true });
  const commands: CliCommandResult[] = [];
  for (const { name, args } of CLI_COMMANDS) {
    const first = await runOnce(args, options);
    const wallMs: number[] = [];
    const peakRssBytes: (number | null)[] = [];
    for (let i = 0; i < options.runs; i++) {
      const run = await runOnce(args, options);
      wallMs.push(run.wallMs);
      peakRssBytes.push(run.peakRssBytes);
    }
    const result = {
      name,
      command: `node ${args.map((a) => (a === "" ? "''" : a)).join(" ")}`,
      wallMs,
      peakRssBytes,
      firstRunMs: first.wallMs,
    };
    commands.push(result);
    const rss = peakRssBytes.filter((b): b is number => b !== null);
    options.log(
      `  ${name.padEnd(20)} median ${median(wallMs).toFixed(0)} ms (${Math.min(...wallMs).toFixed(0)}–${Math.max(...wallMs).toFixed(0)}), ` +
        `first ${first.wallMs.toFixed(0)} ms, peak RSS ${rss.length ? (median(rss) / 1024 / 1024).toFixed(1) : "n/a"} MB`,
    );
  }
  return { runs: options.runs, commands };
}

async function runOnce(
  args: string[],
  options: { repoRoot: string; workDir: string },
): Promise<{ wallMs: number; peakRssBytes: number | null }> {
  const peakFile = join(options.workDir, "peak-rss");
  rmSync(peakFile, { force: true });
  const start = performance.now();
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--require", PEAK_RSS_PRELOAD, ...args], {
      cwd: options.repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        BENCH_PEAK_RSS_FILE: peakFile,
        DRILLBOT_DB: join(options.workDir, "drillbot.db"),
      },
    });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.once("error", reject);
    child.once("close", (exitCode) => resolve({ code: exitCode, output: Buffer.concat(chunks).toString("utf8") }));
  });
  const wallMs = performance.now() - start;
  if (code !== 0) throw new Error(`node ${args.join(" ")} exited with ${code}:\n${output.split("\n").slice(-20).join("\n")}`);
  const kb = existsSync(peakFile) ? Number(readFileSync(peakFile, "utf8")) : Number.NaN;
  return { wallMs, peakRssBytes: Number.isFinite(kb) && kb > 0 ? kb * 1024 : null };
}
