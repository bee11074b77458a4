import type { App, BlockAction, ButtonAction, OverflowAction, StaticSelectAction } from "@slack/bolt";
import { REVIEW_ACTIONS } from "../../blocks/debriefBlocks.js";
import { ACTIONS } from "../../blocks/drillBlocks.js";
import { HISTORY_ACTIONS } from "../../blocks/historyBlocks.js";
import { type SlackDeps, scoped } from "../../deps.js";
import { tracked } from "../../workTracker.js";
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

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTIONS.ack, tracked(deps.work, scoped(deps, ackDrill)));
  app.action<BlockAction<ButtonAction>>(ACTIONS.firstMove, tracked(deps.work, scoped(deps, openFirstMove)));
  app.action<BlockAction<ButtonAction>>(ACTIONS.runbook, tracked(deps.work, scoped(deps, openRunbook)));
  app.action<BlockAction<ButtonAction>>(ACTIONS.tree, tracked(deps.work, scoped(deps, openTree)));
  app.action<BlockAction<ButtonAction>>(ACTIONS.treeChoice, tracked(deps.work, scoped(deps, chooseTreeOption)));
  app.action<BlockAction<ButtonAction>>(ACTIONS.flag, tracked(deps.work, scoped(deps, openFlag)));
  app.action<BlockAction<ButtonAction>>(HISTORY_ACTIONS.actionDone, tracked(deps.work, scoped(deps, markActionDone)));
  app.action<BlockAction<ButtonAction>>(REVIEW_ACTIONS.accept, tracked(deps.work, scoped(deps, reviewFirstMove)));
  app.action<BlockAction<ButtonAction>>(REVIEW_ACTIONS.reject, tracked(deps.work, scoped(deps, reviewFirstMove)));
  app.action<BlockAction<StaticSelectAction>>(ACTIONS.role, tracked(deps.work, scoped(deps, takeRole)));
  app.action<BlockAction<OverflowAction>>(ACTIONS.panel, tracked(deps.work, scoped(deps, facilitatorPanel)));
}
