import type { App } from "@slack/bolt";
import { VIEWS } from "../../blocks/drillBlocks.js";
import type { SlackDeps } from "../../deps.js";
import { firstMoveSubmission } from "./firstMoveSubmission.js";

export function register(app: App, deps: SlackDeps): void {
  app.view(VIEWS.firstMove, firstMoveSubmission(deps));
}
