import type { Clock } from "../domain/clock.js";
import type { RequestLog } from "../store/requestLog.js";
import type { Admission, SignedRequest } from "./requestGuard.js";

// Replays: a correctly signed request can be sent again, byte for byte, within Slack's
// five-minute signature window. Clicks are harmless twice (every ack, answer and step is keyed),
// but a slash command or a form would act twice: `/drill schedule …` would add a second
// schedule, `/drill payment-5xx` after a cancel would start another drill. Their fingerprint is
// recorded on first sight; the same body again is answered with an empty 200 and does nothing.

/** A view_submission (a form) inside a form-encoded interactive body, found without parsing it. */
const VIEW_SUBMISSION = /payload=%7B%22type%22%3A%22view_submission%22|%22type%22%3A%22view_submission%22/;

const PASS: Admission = { action: "pass" };

export function replayGuard(requests: RequestLog, clock: Clock) {
  // Synchronous for clicks (the hot path of a game day): nothing to remember for them.
  return (request: SignedRequest): Admission | Promise<Admission> => {
    const acts = request.kind === "command" || (request.kind === "interactive" && VIEW_SUBMISSION.test(request.body));
    if (!acts) return PASS;
    return requests
      .firstSeen(request.fingerprint(), clock.now())
      .then((first) =>
        first ? PASS : { action: "answer", status: 200, log: `ignored a replayed ${request.kind} request (already processed)` },
      );
  };
}
