import querystring from "node:querystring";

// The Web API client sends every call as a form post, percent-encoding each field with
// querystring.stringify. Node's escape builds its result one escaped character at a time: for a
// modal's JSON that was ~14 KB of short-lived strings per views.open, a third of what the
// client allocated for the call and the largest single allocation of a "First move" click.
// Node documents querystring.escape as the place for a replacement percent-encoder, and
// encodeURIComponent is the same encoding (the same characters left as they are, the same
// upper-case %XX of the UTF-8 bytes) done natively in one pass. Text with a lone surrogate,
// which encodeURIComponent refuses, still goes to Node's own escape, so every form body is byte
// for byte what it was (test/slack/formEncoding.test.ts compares them).

const nodeEscape = querystring.escape;

function escapeNatively(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return nodeEscape(text);
  }
}

/** querystring.stringify (and so every Web API call) percent-encodes with escapeNatively. */
export function useNativeFormEncoding(): void {
  querystring.escape = escapeNatively;
}
