import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { loadCatalog } from "../src/catalog/catalog.js";
import { loadConfig } from "../src/slack/config.js";
import { createLogger } from "../src/slack/logger.js";
import { wireSlackApp } from "../src/slack/server.js";
import { openStores } from "../src/store/stores.js";
import { stopRequested, tellParent } from "./childProtocol.js";

// The app under test, wired as src/slack/server.ts wires it (config from the environment, the
// repo's catalog, a SQLite file or DATABASE_URL's PostgreSQL, real clock and timers), except that the bot ids are given so
// Bolt does not call auth.test. With SLACK_APP_TOKEN set it runs in Socket Mode, as `npm start`
// does: start() resolves once the fake Slack's hello has arrived. Without it, the HTTP receiver
// listens on a free port reported to the bench. (createSlackApp's start(port) takes no host, so
// it listens on every interface; the bench only ever talks to it on 127.0.0.1.)

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

async function main(): Promise<void> {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) throw new Error(`bad bench environment: ${loaded.problems.join("; ")}`);
  const config = loaded.config;
  const secrets = [config.botToken, config.signingSecret, config.appToken].filter((s): s is string => Boolean(s));
  const logger = createLogger({ level: config.logLevel, secrets });
  const catalog = loadCatalog(REPO_ROOT);
  // The SQLite file, or PostgreSQL when DATABASE_URL is set (several instances share it).
  const stores = await openStores(config.database);
  // Exactly the production wiring, but with the bot ids known so Bolt does not call auth.test.
  const slack = wireSlackApp(config, catalog.scenarios, stores, logger, { botId: "B0DRILL", botUserId: "U0DRILLBOT" });
  const server = await slack.start(0);
  if (config.appToken) {
    await tellParent({ type: "ready", port: null });
  } else {
    const address = server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error("the HTTP receiver did not start");
    await tellParent({ type: "ready", port: address.port });
  }

  await stopRequested();
  await slack.stop();
  await stores.close();
  await tellParent({ type: "stopped", maxRssKb: process.resourceUsage().maxRSS });
  process.exit(0);
}

main().catch(async (error: unknown) => {
  await tellParent({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
