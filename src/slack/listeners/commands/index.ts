import type { App } from "@slack/bolt";
import type { SlackDeps } from "../../deps.js";
import { drillCommand } from "./drill.js";

export function register(app: App, deps: SlackDeps): void {
  app.command("/drill", drillCommand(deps));
}
