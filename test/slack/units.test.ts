import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { escapeMrkdwn, escapeUserText, markdownToMrkdwn, splitMrkdwn } from "../../src/slack/blocks/text.js";
import { loadConfig } from "../../src/slack/config.js";
import { parseDrillCommand } from "../../src/slack/listeners/commands/subcommands/index.js";
import { createLogger } from "../../src/slack/logger.js";

const ids = ["payment-5xx", "cache-miss"];
const tags = ["sre", "security"];

describe("/drill parser", () => {
  it("reads every form the help shows", () => {
    assert.deepEqual(parseDrillCommand("", ids, tags), { kind: "help" });
    assert.deepEqual(parseDrillCommand("  HELP ", ids, tags), { kind: "help" });
    assert.deepEqual(parseDrillCommand("list", ids, tags), { kind: "list" });
    assert.deepEqual(parseDrillCommand("list sre", ids, tags), { kind: "list", tag: "sre" });
    assert.deepEqual(parseDrillCommand("payment-5xx", ids, tags), { kind: "start", scenarioId: "payment-5xx", mode: "read" });
    assert.deepEqual(parseDrillCommand("Payment-5xx  blind", ids, tags), { kind: "start", scenarioId: "payment-5xx", mode: "blind" });
    assert.deepEqual(parseDrillCommand("random", ids, tags), { kind: "random", mode: "read" });
    assert.deepEqual(parseDrillCommand("random blind security", ids, tags), { kind: "random", tag: "security", mode: "blind" });
    assert.deepEqual(parseDrillCommand("status", ids, tags), { kind: "status" });
    assert.deepEqual(parseDrillCommand("end", ids, tags), { kind: "end" });
    assert.deepEqual(parseDrillCommand("cancel", ids, tags), { kind: "cancel" });
  });

  it("explains what would work instead of guessing", () => {
    const cases: [string, RegExp][] = [
      ["cache-mis", /Did you mean `\/drill cache-miss`/],
      ["lsit", /Did you mean `\/drill list`/],
      ["end now", /`\/drill end` takes no arguments/],
      ["list nope", /No scenario has the tag `nope`/],
      ["random nope", /`nope` is neither a tag nor a mode/],
      ["cache-miss fast", /The mode is `read` or `blind`/],
      ["<!channel>", /There is no scenario or command/],
    ];
    for (const [input, pattern] of cases) {
      const parsed = parseDrillCommand(input, ids, tags);
      assert.equal(parsed.kind, "invalid", input);
      assert.match(parsed.kind === "invalid" ? parsed.message : "", pattern, input);
    }
  });
});

describe("text for Slack", () => {
  it("escapes mentions, broadcasts, disguised links and invisible characters", () => {
    const hostile = "<!channel> <!here> <@U123> <https://evil.example|bank.example> a&b \u202Egnp.exe\u200B";
    const safe = escapeMrkdwn(hostile);
    assert.equal(safe, "&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;https://evil.example|bank.example&gt; a&amp;b gnp.exe");
    assert.doesNotMatch(safe, /[<>\u202E\u200B]/);
  });

  it("removes every invisible or reading-order character, but keeps emoji whole and lines apart", () => {
    const tricks = [
      "\u061C", // Arabic letter mark
      "\u00AD", // soft hyphen
      "\u180E", // Mongolian vowel separator
      "\u2028", // line separator
      "\u2029", // paragraph separator
      "\u3164", // Hangul filler
      "\u{E0041}\u{E007F}", // tag characters
      "\u034F", // combining grapheme joiner
      "\u2066\u2069", // isolates
      "\u0007", // bell
    ];
    for (const trick of tricks) assert.equal(escapeMrkdwn(`a${trick}b`), "ab", JSON.stringify(trick));
    assert.equal(escapeMrkdwn("👩‍💻 on call\nnext line\tok"), "👩‍💻 on call\nnext line\tok");
  });

  it("shows what people typed with its formatting characters as look-alikes", () => {
    assert.equal(escapeUserText("*✅ correct*"), "∗✅ correct∗");
    assert.equal(escapeUserText("```rm -rf /```"), "ˋˋˋrm -rf /ˋˋˋ");
    assert.equal(escapeUserText("_urgent_ ~no~"), "ˍurgentˍ ∼no∼");
    assert.equal(
      escapeUserText("payments_provider_requests_total a*b"),
      "payments_provider_requests_total a*b",
      "inside words they cannot format",
    );
  });

  it("converts runbook Markdown to mrkdwn and keeps code verbatim", () => {
    const md =
      "### Check\n**Bold** and *italic* with `kubectl get pods -n $NS` and [Grafana](https://grafana.example.com/d/x)\n- item\n```\n## not a heading <b>\n```";
    assert.equal(
      markdownToMrkdwn(md),
      "*Check*\n*Bold* and _italic_ with `kubectl get pods -n $NS` and <https://grafana.example.com/d/x|Grafana>\n• item\n```\n## not a heading &lt;b&gt;\n```",
    );
  });

  it("splits long text under the limit, reopening a code fence at the split", () => {
    const text = `intro\n\`\`\`\n${Array.from({ length: 200 }, (_, i) => `line ${i} ${"z".repeat(40)}`).join("\n")}\n\`\`\`\nafter`;
    const chunks = splitMrkdwn(text, 3000);
    assert.ok(chunks.length >= 3);
    for (const chunk of chunks) {
      assert.ok(chunk.length <= 3000, `chunk of ${chunk.length}`);
      assert.equal((chunk.match(/```/g) ?? []).length % 2, 0, "fences balanced in every chunk");
    }
    assert.match(chunks.at(-1) ?? "", /after$/);
  });
});

describe("configuration", () => {
  it("reports every problem on its own line and never prints a value", () => {
    const result = loadConfig({ SLACK_BOT_TOKEN: "xoxp-this-is-secret", PORT: "99999", LOG_LEVEL: "loud", DRILLBOT_FACILITATORS: "alice" });
    assert.ok(!result.ok);
    const text = result.problems.join("\n");
    assert.match(text, /^SLACK_BOT_TOKEN must be a bot token starting with xoxb-$/m);
    assert.match(text, /^PORT /m);
    assert.match(text, /^LOG_LEVEL must be debug, info, warn or error$/m);
    assert.match(text, /^DRILLBOT_FACILITATORS must be Slack user IDs/m);
    assert.match(text, /^SLACK_SIGNING_SECRET is required for the HTTP receiver/m);
    assert.doesNotMatch(text, /this-is-secret|alice|99999|loud/);
  });

  it("accepts the HTTP and Socket Mode set-ups with defaults from DESIGN.md", () => {
    const http = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99aaaaaa85a5" });
    assert.ok(http.ok);
    assert.equal(http.config.port, 3000);
    assert.equal(http.config.dbPath, "./data/drillbot.db");
    assert.equal(http.config.facilitators.size, 0);
    const socket = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1", DRILLBOT_FACILITATORS: "U01, U02" });
    assert.ok(socket.ok);
    assert.deepEqual([...socket.config.facilitators], ["U01", "U02"]);
    assert.deepEqual(socket.config.database, { kind: "sqlite", path: "./data/drillbot.db" });
  });

  it("switches to PostgreSQL with DATABASE_URL, and refuses another URL without printing it", () => {
    const base = { SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" };
    const url = "postgresql://drillbot:s3cret@db.internal:5432/drillbot";
    const pg = loadConfig({ ...base, DATABASE_URL: url });
    assert.ok(pg.ok);
    assert.deepEqual(pg.config.database, { kind: "postgres", url });
    for (const wrong of ["mysql://drillbot:s3cret@db/drillbot", "postgres://drillbot:s3cret@[bad/x", "s3cret"]) {
      const refused = loadConfig({ ...base, DATABASE_URL: wrong });
      assert.ok(!refused.ok);
      assert.deepEqual(refused.problems, [
        "DATABASE_URL must be a PostgreSQL URL such as postgres://user:password@host:5432/drillbot (or unset, to use the SQLite file DRILLBOT_DB)",
      ]);
    }
  });
});

describe("logger", () => {
  it("never writes a token or the signing secret", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "debug" as never, secrets: ["8f742231b10e8888abcd99aaaaaa85a5"], write: (l) => lines.push(l) });
    logger.error("failed with token xoxb-123-456-abc and secret 8f742231b10e8888abcd99aaaaaa85a5", new Error("xapp-1-A0-xyz"));
    logger.info({ headers: { authorization: "Bearer xoxb-999-secret" } });
    const all = lines.join("\n");
    assert.doesNotMatch(all, /xoxb-|xapp-|8f742231b10e/);
    assert.equal((all.match(/\[redacted\]/g) ?? []).length, 4);
  });
});
