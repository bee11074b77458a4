import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { homeView } from "../../blocks/homeView.js";
import type { SlackDeps } from "../../deps.js";
import { publishView } from "../../views.js";

type Args = SlackEventMiddlewareArgs<"app_home_opened"> & AllMiddlewareArgs;

/** Publishes the App Home tab each time someone opens it. */
export function appHomeOpened(deps: SlackDeps) {
  return async ({ event, client }: Args): Promise<void> => {
    if (event.tab !== "home") return;
    const [you, running, recent, coverage] = await Promise.all([
      deps.insights.personStats(event.user),
      deps.service.listDrills({ status: "running", surface: "slack", limit: 20 }),
      deps.service.listDrills({ surface: "slack", limit: 20 }),
      deps.insights.coverage(deps.scenarios.values()),
    ]);
    const upcoming = deps.gameDays.upcoming(deps.schedules.team);
    await publishView(client, event.user, homeView({ you, upcoming, running, recent, coverage }));
  };
}
