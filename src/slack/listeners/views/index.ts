import type { App } from "@slack/bolt";
import { VIEWS } from "../../blocks/drillBlocks.js";
import { HISTORY_VIEWS } from "../../blocks/historyBlocks.js";
import { type SlackDeps, scoped } from "../../deps.js";
import { tracked } from "../../workTracker.js";
import { firstMoveSubmission } from "./firstMoveSubmission.js";
import { flagSubmission } from "./flagSubmission.js";

export function register(app: App, deps: SlackDeps): void {
  app.view(VIEWS.firstMove, tracked(deps.work, scoped(deps, firstMoveSubmission)));
  app.view(HISTORY_VIEWS.flag, tracked(deps.work, scoped(deps, flagSubmission)));
}
