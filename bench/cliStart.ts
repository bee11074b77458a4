import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./stats.js";

// How long the drillbot command takes to start, do one small job and exit, and how much memory it
// needs: each run is a new Node process (`node bin/drillbot.js …`, the compiled dist/ as an
// installed package runs it) from the repo root, so every run is a cold start of Node and of
// drillbot; only the OS file cache is warm. No untimed run: the commands take turns, run 1 of
// each, then run 2 of each, and so on, so a busy moment on the shared machine hits them alike.
// Node with an empty script is the floor.

const PEAK_RSS_PRELOAD = fileURLToPath(new URL("./peakRss.cjs", import.meta.url));

/** Timed runs of each command; the issue asks for the median of 5 cold runs. */
export const CLI_RUNS = 5;

/** The answer a scripted drill is given on stdin (one line per prompt, then end of input). */
const SCRIPTED_ANSWER = "Split the 5xx ratio by provider on the provider errors dashboard and check the status page\n";

export interface CliCommandResult {
  name: string;
  /** The command line, as a person would type it. */
  command: string;
  /** Wall time from spawn to exit (or to `until`), per run, ms. */
  wallMs: number[];
  /** What wallMs measures. */
  measures: string;
  /** VmHWM at exit, per run, bytes; null where /proc is missing. */
  peakRssBytes: (number | null)[];
  /** CPU time (user + system) the process used, per run, ms: steadier than wall time on a busy machine. */
  cpuMs: number[];
  /** Scripted drill: from spawn to the process's exit, per run, ms. */
  exitMs: number[] | null;
}

export interface CliStartResult {
  runs: number;
  commands: CliCommandResult[];
}

interface CliCommand {
  name: string;
  args: string[];
  /** Typed on stdin (then end of input). */
  input?: string;
  /** Time to this output instead of to the exit. */
  until?: string;
  /** The target's name in report.ts TARGETS.cliMs, if it has one. */
  target?: string;
}

export const CLI_COMMANDS: CliCommand[] = [
  { name: "node (empty script)", args: ["-e", ""] },
  { name: "drillbot list", args: ["bin/drillbot.js", "list"], target: "drillbot list" },
  { name: "drillbot lint", args: ["bin/drillbot.js", "lint"], target: "drillbot lint" },
  {
    name: "scripted drill's start",
    args: ["bin/drillbot.js", "drill", "payment-5xx"],
    input: SCRIPTED_ANSWER,
    until: "first move >",
    target: "scripted drill's start",
  },
];

export async function benchCliStart(options: {
  repoRoot: string;
  workDir: string;
  runs: number;
  log: (line: string) => void;
}): Promise<CliStartResult> {
  mkdirSync(options.workDir, { recursive: true });
  // The drill records into a database that exists, as it does for someone who drilled before.
  await runOnce({ name: "migrate", args: ["bin/drillbot.js", "migrate"] }, options);
  const results = CLI_COMMANDS.map(
    (command): CliCommandResult => ({
      name: command.name,
      command: `${command.input ? "printf '…\\n' | " : ""}node ${command.args.map((a) => (a === "" ? "''" : a)).join(" ")}`,
      wallMs: [],
      measures: command.until ? `to the prompt "${command.until}"` : "to the exit",
      peakRssBytes: [],
      cpuMs: [],
      exitMs: command.until ? [] : null,
    }),
  );
  for (let i = 0; i < options.runs; i++) {
    for (const [index, command] of CLI_COMMANDS.entries()) {
      const run = await runOnce(command, options);
      const result = results[index];
      if (!result) continue;
      result.wallMs.push(run.untilMs ?? run.exitMs);
      result.exitMs?.push(run.exitMs);
      result.peakRssBytes.push(run.peakRssBytes);
      if (run.cpuMs !== null) result.cpuMs.push(run.cpuMs);
    }
  }
  for (const result of results) {
    const rss = result.peakRssBytes.filter((b): b is number => b !== null);
    options.log(
      `  ${result.name.padEnd(24)} median ${median(result.wallMs).toFixed(0)} ms ${result.measures} (runs ${result.wallMs.map((v) => v.toFixed(0)).join(", ")}), ` +
        `CPU ${median(result.cpuMs).toFixed(0)} ms, peak RSS ${rss.length ? (median(rss) / 1024 / 1024).toFixed(1) : "n/a"} MB`,
    );
  }
  return { runs: options.runs, commands: results };
}

async function runOnce(
  command: CliCommand,
  options: { repoRoot: string; workDir: string },
): Promise<{ exitMs: number; untilMs: number | null; peakRssBytes: number | null; cpuMs: number | null }> {
  const peakFile = join(options.workDir, "peak-rss");
  rmSync(peakFile, { force: true });
  const start = performance.now();
  let untilMs: number | null = null;
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--require", PEAK_RSS_PRELOAD, ...command.args], {
      cwd: options.repoRoot,
      stdio: ["pipe", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        BENCH_PEAK_RSS_FILE: peakFile,
        DRILLBOT_DB: join(options.workDir, "drillbot.db"),
      },
    });
    const chunks: Buffer[] = [];
    let seen = "";
    child.stdout.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      if (command.until && untilMs === null) {
        // Keep only a tail long enough to hold the marker across chunk boundaries.
        seen = (seen + chunk.toString("utf8")).slice(-4096);
        if (seen.includes(command.until)) untilMs = performance.now() - start;
      }
    });
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.once("error", reject);
    child.once("close", (exitCode) => resolve({ code: exitCode, output: Buffer.concat(chunks).toString("utf8") }));
    child.stdin.end(command.input ?? "");
  });
  const exitMs = performance.now() - start;
  if (code !== 0) throw new Error(`node ${command.args.join(" ")} exited with ${code}:\n${output.split("\n").slice(-20).join("\n")}`);
  if (command.until && untilMs === null) throw new Error(`node ${command.args.join(" ")} never printed "${command.until}"`);
  const [kbText, cpuText] = existsSync(peakFile) ? readFileSync(peakFile, "utf8").split(" ") : [];
  const kb = Number(kbText);
  const cpuMs = Number(cpuText);
  return {
    exitMs,
    untilMs,
    peakRssBytes: Number.isFinite(kb) && kb > 0 ? kb * 1024 : null,
    cpuMs: cpuText !== undefined && Number.isFinite(cpuMs) ? cpuMs : null,
  };
}
