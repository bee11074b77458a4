import type { App } from "@slack/bolt";
import { type SlackDeps, scoped } from "../../deps.js";
import { tracked } from "../../workTracker.js";
import { appHomeOpened } from "./appHomeOpened.js";

export function register(app: App, deps: SlackDeps): void {
  app.event("app_home_opened", tracked(deps.work, scoped(deps, appHomeOpened)));
}
