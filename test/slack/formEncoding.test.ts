import assert from "node:assert/strict";
import querystring from "node:querystring";
import { it } from "node:test";
import { useNativeFormEncoding } from "../../src/slack/formEncoding.js";

// The Web API client's form bodies must be byte for byte what Node's own querystring.escape
// makes: Slack reads them, and nothing about a call may change but the cost of encoding it.

const nodeEscape = querystring.escape;

function everyCharacter(): string {
  let text = "";
  for (let code = 0; code < 0xd800; code++) text += String.fromCharCode(code);
  for (let code = 0xe000; code <= 0xffff; code++) text += String.fromCharCode(code);
  return `${text}😀👩‍💻𝔘🧯`;
}

const modal = JSON.stringify({
  type: "modal",
  title: { type: "plain_text", text: "First move", emoji: true },
  blocks: [{ type: "section", text: { type: "mrkdwn", text: '*payment-5xx* — what is the first thing you do? <@U1> & 100% "now"' } }],
  private_metadata: JSON.stringify({ drillId: 42, channel: "C0GAMEDAY" }),
});

const forms: querystring.ParsedUrlQueryInput[] = [
  { trigger_id: "12345.98765.abcd", view: modal, team_id: "T0TEAM" },
  { text: everyCharacter(), channel: "C1" },
  { n: 42, negative: -1.5e-7, huge: 1e21, nan: Number.NaN, infinite: Number.POSITIVE_INFINITY, big: 12345678901234567890n },
  { yes: true, no: false, empty: "", list: ["a b", "c&d", 3], none: [], nothing: null, missing: undefined },
  { "key with spaces & symbols=": "value" },
  // Lone surrogates: encodeURIComponent refuses them; Node's escape encodes some its own way and
  // refuses others, and must do the same here.
  { lone: "a\ud800b" },
  { low: "\udc00x" },
  { last: "end\ud83d" },
];

/** The body, or the error Node's encoder throws for it. */
function encoded(form: querystring.ParsedUrlQueryInput): { body: string } | { error: string } {
  try {
    return { body: querystring.stringify(form) };
  } catch (error) {
    return { error: `${(error as Error).name} ${(error as { code?: string }).code ?? ""}` };
  }
}

it("encodes every Web API form body exactly as Node's own escape does", () => {
  const expected = forms.map(encoded);
  assert.ok(expected.some((outcome) => "error" in outcome) && expected.some((outcome) => "body" in outcome));
  assert.equal(querystring.escape, nodeEscape, "this test starts from Node's own escape");
  useNativeFormEncoding();
  try {
    assert.notEqual(querystring.escape, nodeEscape);
    assert.deepEqual(forms.map(encoded), expected);
  } finally {
    querystring.escape = nodeEscape;
  }
});
