import type { Logger } from "@slack/logger";
import { loadCatalog } from "../catalog/catalog.js";
import type { CatalogConfig } from "../catalog/config.js";
import { formatProblem } from "../catalog/problems.js";
import type { CliIO } from "../cli/io.js";
import { skippedReasons } from "../cli/skipped.js";
import { systemClock } from "../domain/clock.js";
import type { CompiledLexicon } from "../domain/lexicon.js";
import type { Scenario } from "../domain/scenario.js";
import { realTimers } from "../scheduler/timers.js";
import { DrillService } from "../service/drillService.js";
import { DatabaseStateStore, EncryptedInstallationStore } from "../store/installations.js";
import { describeDatabase, openStores, type Stores } from "../store/stores.js";
import { createSlackApp, EVENTS_PATH, type SlackApp, type SlackAppOptions } from "./app.js";
import { loadConfig, type SlackConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { INSTALL_PATH } from "./oauth.js";
import { tuneV8ForServe } from "./v8Flags.js";

/** The production wiring of the Slack app (the benchmark starts exactly this). */
export function wireSlackApp(
  config: SlackConfig,
  scenarios: Map<string, Scenario>,
  stores: SlackAppOptions["stores"] & Pick<Stores, "drills" | "installations" | "oauthStates">,
  logger: Logger,
  known: { botId?: string; botUserId?: string } = {},
  skipped: Map<string, string[]> = new Map(),
  lexicon?: CompiledLexicon,
): SlackApp {
  const oauth = config.oauth;
  return createSlackApp({
    ...(config.botToken ? { botToken: config.botToken } : {}),
    ...(oauth
      ? {
          oauth: {
            clientId: oauth.clientId,
            clientSecret: oauth.clientSecret,
            ...(oauth.redirectUri ? { redirectUri: oauth.redirectUri } : {}),
            installationStore: new EncryptedInstallationStore(stores.installations, oauth.cipher),
            stateStore: new DatabaseStateStore(stores.oauthStates),
            installerPort: config.port,
          },
        }
      : {}),
    signingSecret: config.signingSecret,
    appToken: config.appToken,
    apiUrl: config.apiUrl,
    service: new DrillService(stores.drills, scenarios, systemClock, { skipped, actions: stores.actions, ...(lexicon ? { lexicon } : {}) }),
    stores,
    scenarios,
    facilitators: config.facilitators,
    clock: systemClock,
    timers: realTimers(),
    logger,
    ...known,
  });
}

/** `npm start` / `drillbot serve`: validate the environment, load the catalog, open the store,
 * re-arm running drills and listen. Returns an exit code when it cannot start. */
export async function serve(catalogConfig: CatalogConfig, env: NodeJS.ProcessEnv, io: CliIO): Promise<number> {
  tuneV8ForServe(); // again, for callers that did not come through the CLI
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    io.err("drillbot cannot start; fix the environment:");
    for (const problem of loaded.problems) io.err(`  ${problem}`);
    return 1;
  }
  const config = loaded.config;
  const secrets = [config.botToken, config.signingSecret, config.appToken, config.oauth?.clientSecret].filter((s): s is string =>
    Boolean(s),
  );
  const logger = createLogger({ level: config.logLevel, secrets });
  if (config.ignoredOAuth)
    logger.warn("SLACK_BOT_TOKEN is set: drillbot serves that one workspace and ignores SLACK_CLIENT_ID / SLACK_CLIENT_SECRET");

  const catalog = loadCatalog(catalogConfig);
  for (const problem of catalogConfig.problems) logger.warn(`drillbot.yml: ${formatProblem(problem)}`);
  for (const [id, problems] of catalog.skipped) {
    for (const problem of problems) logger.warn(`scenario ${id} skipped: ${formatProblem(problem)}`);
  }
  if (catalog.scenarios.size === 0) {
    io.err(
      `drillbot cannot start: no valid scenario (catalogs: ${catalogConfig.catalogs.join(", ") || "none"}, built-in library ${catalogConfig.builtin ? "on" : "off"}); run drillbot lint`,
    );
    return 1;
  }

  let stores: Stores;
  try {
    stores = await openStores(config.database);
  } catch (error) {
    io.err(`drillbot cannot start: database ${describeDatabase(config.database)}: ${(error as Error).message}`);
    return 1;
  }
  const slack = wireSlackApp(config, catalog.scenarios, stores, logger, {}, skippedReasons(catalog), catalog.lexicon);
  // A stray rejection must not end a game day for everyone: log it and carry on.
  process.on("unhandledRejection", (reason) => logger.error("unhandled rejection:", reason));
  await slack.start(config.port);
  logger.info(
    config.appToken
      ? `drillbot connected in Socket Mode with ${catalog.scenarios.size} scenarios`
      : `drillbot listening on port ${config.port} at ${EVENTS_PATH} with ${catalog.scenarios.size} scenarios`,
  );
  logger.info(`data in ${stores.location}; health checks at /healthz and /readyz on port ${config.port}`);
  if (config.oauth) logger.info(`many workspaces: install drillbot at ${INSTALL_PATH} (port ${config.port})`);

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      logger.info(`${signal}: finishing work in flight and stopping`);
      resolve();
    };
    process.once("SIGINT", () => shutdown("SIGINT"));
    process.once("SIGTERM", () => shutdown("SIGTERM"));
  });
  await slack.stop();
  await stores.close();
  // Whatever is still waiting on Slack (a request that never answers) must not keep the process
  // alive past its grace period: unsent messages are in the outbox for the next start.
  setTimeout(() => process.exit(0), 250).unref();
  return 0;
}
