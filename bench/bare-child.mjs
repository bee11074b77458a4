import { App, HTTPReceiver, LogLevel } from "@slack/bolt";

// The floor: a bare Bolt app doing only the Slack work a click must cause. "I'm on it" is acked;
// "First move" is acked and opens a one-input modal. No store, no engine, no rendering. With
// SLACK_APP_TOKEN set it runs in Socket Mode (Bolt's own SocketModeReceiver), otherwise with the
// HTTP receiver on $PORT. Plain JavaScript, so it runs with no TypeScript loader, as drillbot's
// compiled dist/ does. Prints "bare Bolt app ready" once it takes requests; SIGTERM stops it.

/** @param {App} app */
function listen(app) {
  app.action("drill_ack", async ({ ack }) => {
    await ack();
  });
  app.action("drill_first_move", async ({ ack, body, client }) => {
    await ack();
    if (!("trigger_id" in body)) return;
    await client.views.open({
      trigger_id: body.trigger_id,
      view: {
        type: "modal",
        callback_id: "bare_first_move",
        title: { type: "plain_text", text: "First move" },
        submit: { type: "plain_text", text: "Submit" },
        blocks: [
          {
            type: "input",
            block_id: "first_move",
            label: { type: "plain_text", text: "Your first move" },
            element: { type: "plain_text_input", action_id: "text", multiline: true, max_length: 600 },
          },
        ],
      },
    });
  });
}

async function main() {
  const apiUrl = process.env.SLACK_API_URL;
  const appToken = process.env.SLACK_APP_TOKEN;
  const signingSecret = process.env.SLACK_SIGNING_SECRET;
  if (!apiUrl || !(appToken || signingSecret)) throw new Error("SLACK_API_URL and SLACK_APP_TOKEN or SLACK_SIGNING_SECRET are required");
  const common = {
    token: process.env.SLACK_BOT_TOKEN,
    botId: "B0BARE",
    botUserId: "U0BARE",
    logLevel: LogLevel.INFO,
    clientOptions: { slackApiUrl: apiUrl },
  };
  /** @type {App} */
  let app;
  if (appToken) {
    app = new App({ ...common, appToken, socketMode: true });
    listen(app);
    await app.start();
  } else {
    const receiver = new HTTPReceiver({
      signingSecret: signingSecret ?? "",
      endpoints: "/slack/events",
      unhandledRequestTimeoutMillis: 3001,
    });
    app = new App({ ...common, receiver });
    listen(app);
    await receiver.start({ port: Number(process.env.PORT), host: "127.0.0.1" });
  }
  process.stdout.write("bare Bolt app ready\n");
  process.once("SIGTERM", () => {
    app.stop().finally(() => process.exit(0));
  });
}

main().catch((error) => {
  process.stderr.write(`the bare Bolt app failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
