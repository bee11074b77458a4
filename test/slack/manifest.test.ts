import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { commandTableMarkdown, SUBCOMMANDS, usageHint, usageLines } from "../../src/slack/listeners/commands/subcommands/index.js";
import { REPO_ROOT } from "../helpers.js";

describe("manifest.yml", () => {
  const manifest = parse(readFileSync(join(REPO_ROOT, "manifest.yml"), "utf8"));

  it("creates the app the code expects: /drill, interactivity, App Home, its event, Socket Mode", () => {
    assert.equal(manifest.features.slash_commands[0].command, "/drill");
    assert.match(manifest.features.slash_commands[0].usage_hint, /scenario/);
    assert.equal(manifest.features.app_home.home_tab_enabled, true);
    assert.deepEqual(manifest.settings.event_subscriptions.bot_events, ["app_home_opened"]);
    assert.equal(manifest.settings.interactivity.is_enabled, true);
    assert.equal(manifest.settings.socket_mode_enabled, true);
  });

  it("asks only for the scopes the app uses", () => {
    assert.deepEqual([...manifest.oauth_config.scopes.bot].sort(), [
      "channels:history",
      "chat:write",
      "chat:write.public",
      "commands",
      "groups:history",
    ]);
  });

  it("describes /drill as the subcommand registry does: usage_hint and the README's command table", () => {
    assert.equal(manifest.features.slash_commands[0].usage_hint, usageHint(), "run npm run docs");
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    const table = /<!-- commands:start[^>]*-->\n([\s\S]*?)\n<!-- commands:end -->/.exec(readme)?.[1];
    assert.equal(table, commandTableMarkdown(), "run npm run docs");
    assert.equal(
      usageLines().length,
      SUBCOMMANDS.reduce((n, s) => n + s.usage.length, 0),
    );
    assert.equal(new Set(SUBCOMMANDS.map((s) => s.kind)).size, SUBCOMMANDS.length, "each subcommand once");
  });
});
