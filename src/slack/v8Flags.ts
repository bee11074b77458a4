import { setFlagsFromString } from "node:v8";

// V8 settings for the long-running Slack app, set as soon as `drillbot serve` is chosen: before
// Bolt and the app's modules load, because the heap's first full collections happen while they
// do, and each collection sets how far the heap may grow before the next one (see below).

/** Node's fetch parses HTTP with undici's llhttp, which is WebAssembly. drillbot's own Web API
 * calls go over node:http (webApiFetch.ts), but Socket Mode asks for its connection URL, and
 * Bolt's respond() posts to a response_url, with fetch. V8 compiles llhttp twice: at once with
 * its baseline compiler (Liftoff), then again with its optimising one on background threads,
 * which takes about 30 MB for a moment just after the first call: the highest the process's
 * memory ever gets, higher than a game day's stampede. The baseline code parses Slack's small JSON answers fast enough (the bench shows no
 * CPU difference), so the app keeps to it. Set before the first call, as V8 reads the flag when
 * it compiles. */
function keepWebAssemblyCompilerSmall(): void {
  setFlagsFromString("--liftoff-only");
}

/** How far V8 lets the heap grow past what survived the last full collection before it collects
 * again: by default up to 4×, so a stampede's short-lived request objects (promoted while their
 * Web API call is in flight) piled up to ~110 MB of old space before one full collection brought
 * it back to ~28 MB live. 1.5× keeps the peak near what the app really holds. It is a ratio, not
 * a cap: a heap that truly needs more still grows, one step at a time. V8 applies it when a full
 * collection sets the next limit, so it must be set before the first one: set inside serve(),
 * after Bolt had loaded, the collection during loading (~12 MB live) had already set the limit
 * with the default factor (up to 4×), and the first stampede's heap grew to ~48 MB before its
 * next full collection: the process's peak. */
function keepHeapGrowthModest(): void {
  setFlagsFromString("--heap-growing-percent=50");
}

/** Both, once the process is going to serve (the CLI calls it before it imports the app). */
export function tuneV8ForServe(): void {
  keepWebAssemblyCompilerSmall();
  keepHeapGrowthModest();
}
