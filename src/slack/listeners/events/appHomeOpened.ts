import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { homeView } from "../../blocks/homeView.js";
import { type SlackDeps, sortedScenarios } from "../../deps.js";

type Args = SlackEventMiddlewareArgs<"app_home_opened"> & AllMiddlewareArgs;

/** Publishes the App Home tab each time someone opens it. */
export function appHomeOpened(deps: SlackDeps) {
  return async ({ event, client }: Args): Promise<void> => {
    if (event.tab !== "home") return;
    const store = deps.service.store;
    const [running, recent, yours] = await Promise.all([
      store.listDrills({ status: "running", surface: "slack", limit: 10 }),
      store.listDrills({ surface: "slack", limit: 10 }),
      store.listDrills({ responder: event.user, limit: 10 }),
    ]);
    await client.views.publish({ user_id: event.user, view: homeView({ scenarios: sortedScenarios(deps), running, recent, yours }) });
  };
}
