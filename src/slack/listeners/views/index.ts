import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import { VIEWS } from "../../blocks/drillBlocks.js";
import { HISTORY_VIEWS } from "../../blocks/historyBlocks.js";
import { type SlackDeps, scoped } from "../../deps.js";
import { tracked } from "../../workTracker.js";
import { type RoutedHandler, routeById, takeKind } from "../router.js";
import { firstMoveSubmission } from "./firstMoveSubmission.js";
import { flagSubmission } from "./flagSubmission.js";

type SubmissionArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** Every form submission is taken by one global middleware, which runs the handler of its callback_id. */
export function register(app: App, deps: SlackDeps): void {
  const handlers = new Map<string, RoutedHandler<SubmissionArgs>>([
    [VIEWS.firstMove, tracked(deps.work, scoped(deps, firstMoveSubmission))],
    [HISTORY_VIEWS.flag, tracked(deps.work, scoped(deps, flagSubmission))],
  ]);
  app.use(
    takeKind(
      "view_submission",
      routeById((args: SubmissionArgs) => args.view?.callback_id, handlers),
    ),
  );
}
