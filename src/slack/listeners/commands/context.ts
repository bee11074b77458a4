import type { Person } from "../../../domain/drillState.js";
import type { Block } from "../../blocks/limits.js";

/** What a /drill subcommand handler gets: who, where, and how to answer only them. */
export interface CommandContext {
  user: Person;
  channel: string;
  reply(text: string, blocks?: Block[]): Promise<unknown>;
  /** The /drill usage lines, for help (from the subcommand registry). */
  usage: readonly string[];
}
