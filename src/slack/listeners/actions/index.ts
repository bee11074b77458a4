import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { REVIEW_ACTIONS } from "../../blocks/debriefBlocks.js";
import { ACTIONS } from "../../blocks/drillBlocks.js";
import { HISTORY_ACTIONS } from "../../blocks/historyBlocks.js";
import { type SlackDeps, scoped } from "../../deps.js";
import { tracked } from "../../workTracker.js";
import { type RoutedHandler, routeById, takeKind } from "../router.js";
import { ackDrill } from "./ackDrill.js";
import { chooseTreeOption } from "./chooseTreeOption.js";
import { facilitatorPanel } from "./facilitatorPanel.js";
import { markActionDone } from "./markActionDone.js";
import { openFirstMove } from "./openFirstMove.js";
import { openFlag } from "./openFlag.js";
import { openRunbook } from "./openRunbook.js";
import { openTree } from "./openTree.js";
import { reviewFirstMove } from "./reviewFirstMove.js";
import { takeRole } from "./takeRole.js";

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** Each handler takes the block action its element sends (a button, a select, an overflow menu);
 * the table is keyed by the action_id those elements carry, so the element is the one it expects. */
const asRouted = <A>(handler: (args: A) => Promise<void>) => handler as unknown as RoutedHandler<ActionArgs>;

/** Every block action is taken by one global middleware, which runs the handler of its action_id. */
export function register(app: App, deps: SlackDeps): void {
  const review = tracked(deps.work, scoped(deps, reviewFirstMove));
  const handlers = new Map<string, RoutedHandler<ActionArgs>>([
    [ACTIONS.ack, asRouted(tracked(deps.work, scoped(deps, ackDrill)))],
    [ACTIONS.firstMove, asRouted(tracked(deps.work, scoped(deps, openFirstMove)))],
    [ACTIONS.runbook, asRouted(tracked(deps.work, scoped(deps, openRunbook)))],
    [ACTIONS.tree, asRouted(tracked(deps.work, scoped(deps, openTree)))],
    [ACTIONS.treeChoice, asRouted(tracked(deps.work, scoped(deps, chooseTreeOption)))],
    [ACTIONS.flag, asRouted(tracked(deps.work, scoped(deps, openFlag)))],
    [HISTORY_ACTIONS.actionDone, asRouted(tracked(deps.work, scoped(deps, markActionDone)))],
    [REVIEW_ACTIONS.accept, asRouted(review)],
    [REVIEW_ACTIONS.reject, asRouted(review)],
    [ACTIONS.role, asRouted(tracked(deps.work, scoped(deps, takeRole)))],
    [ACTIONS.panel, asRouted(tracked(deps.work, scoped(deps, facilitatorPanel)))],
  ]);
  app.use(
    takeKind(
      "block_actions",
      routeById((args: ActionArgs) => args.action?.action_id, handlers),
    ),
  );
}
