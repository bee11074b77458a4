import type { App } from "@slack/bolt";
import { type SlackDeps, scoped } from "../../deps.js";
import { tracked } from "../../workTracker.js";
import { drillCommand } from "./drill.js";

export function register(app: App, deps: SlackDeps): void {
  app.command("/drill", tracked(deps.work, scoped(deps, drillCommand)));
}
