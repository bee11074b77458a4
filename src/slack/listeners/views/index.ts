import type { App } from "@slack/bolt";
import { VIEWS } from "../../blocks/drillBlocks.js";
import type { SlackDeps } from "../../deps.js";
import { tracked } from "../../workTracker.js";
import { firstMoveSubmission } from "./firstMoveSubmission.js";

export function register(app: App, deps: SlackDeps): void {
  app.view(VIEWS.firstMove, tracked(deps.work, firstMoveSubmission(deps)));
}
