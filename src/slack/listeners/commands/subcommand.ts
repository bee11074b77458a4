import type { Drill } from "../../../domain/drill.js";
import type { DrillMode } from "../../../domain/drillState.js";
import type { SlackDeps } from "../../deps.js";
import type { CommandContext } from "./context.js";

// One `/drill` subcommand, whole: how it is recognised and parsed, its usage line, who may run it,
// and what it does. The registry (subcommands/index.ts) lists them all; help, usage, the manifest's
// usage_hint and the README's command table are generated from it, and because parse and handle
// live in one object, a subcommand that parses cannot lack a handler.

/** Who may run a subcommand, checked before its arguments are even parsed. */
export type Permission =
  /** Anyone in the workspace. */
  | "anyone"
  /** A facilitator (everyone when DRILLBOT_FACILITATORS is empty). */
  | "facilitator"
  /** The running drill's starter or a named facilitator (anyone for a game day); the handler
   * gets that drill. */
  | "drill-controller";

export interface ParseContext {
  scenarioIds: readonly string[];
  tags: readonly string[];
}

/** The words after the subcommand's own word: as typed (quoted parts kept whole) and lower-cased. */
export interface Words {
  raw: string[];
  lower: string[];
}

export interface Usage {
  /** As typed, e.g. "/drill list [tag]". */
  syntax: string;
  /** One line for /drill help. */
  summary: string;
  /** More for the README's command table. */
  details?: string;
}

export type ParseResult<A> = { ok: true; args: A } | { ok: false; message: string };

export type ContextFor<P extends Permission> = P extends "drill-controller" ? CommandContext & { drill: Drill } : CommandContext;

export interface Subcommand<K extends string, A extends object, P extends Permission> {
  kind: K;
  /** Whether the first word selects this subcommand (most: their name; start: a scenario id). */
  matches(first: string, ctx: ParseContext): boolean;
  /** Its forms, for /drill help (syntax — summary) and the README's table (with the details). */
  usage: readonly Usage[];
  /** Its part of the manifest's usage_hint, or null to leave it out of that short line. */
  hint: string | null;
  permission: P;
  parse(words: Words, ctx: ParseContext): ParseResult<A>;
  handle(deps: SlackDeps, ctx: ContextFor<P>, args: A): Promise<void>;
}

/** Declares a subcommand (the identity function, for inference). */
export function subcommand<K extends string, A extends object, P extends Permission>(s: Subcommand<K, A, P>): Subcommand<K, A, P> {
  return s;
}

export const ok = <A>(args: A): ParseResult<A> => ({ ok: true, args });
export const fail = (message: string): ParseResult<never> => ({ ok: false, message });

/** For subcommands that take no arguments. */
export function noArguments(kind: string) {
  return (words: Words): ParseResult<Record<never, never>> =>
    words.raw.length === 0 ? ok({}) : fail(`\`/drill ${kind}\` takes no arguments.`);
}

export const MODES = new Set<string>(["read", "blind"]);
export const isMode = (word: string): word is DrillMode => MODES.has(word);

/** Words, keeping a quoted part (straight or Slack's curly quotes) as one word. */
export function tokenize(text: string): string[] {
  const words: string[] = [];
  const pattern = /["“”]([^"“”]*)["“”]|(\S+)/g;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) words.push(m[1] ?? m[2] ?? "");
  return words;
}
