// Why the engine refuses an operation, and the words every front end shows for it. A new drill
// operation that can be refused adds its reason here, once, beside its text.

export type Refusal =
  | "not_running"
  | "time_up"
  | "already_answered"
  | "empty_answer"
  | "answer_too_long"
  | "first_move_required"
  | "walk_finished"
  | "stale_node"
  | "unknown_option"
  | "unknown_responder"
  | "inject_already_posted"
  | "no_tree"
  /** A facilitator paused the drill: nothing moves until it resumes. */
  | "paused"
  | "already_paused"
  | "not_paused"
  /** An extension outside 1–60 minutes. */
  | "bad_extension"
  /** Every inject has been posted already. */
  | "no_inject_left"
  /** `inject now 7` for a scenario with fewer injects. */
  | "unknown_inject"
  | "hint_given"
  /** Someone else holds the role. */
  | "role_taken"
  | "unknown_role"
  /** Roles can change until the first move, which is judged for the role held. */
  | "role_locked"
  /** A front end's check: the drill named by a button is not the drill of the channel it came from. */
  | "wrong_venue";

/** What a person is told when the engine refuses: the same words in Slack and the terminal. */
export const REFUSAL_TEXT: Record<Refusal, string> = {
  not_running: "This drill is not running any more.",
  time_up: "Time is up for this drill; the debrief is on its way.",
  already_answered: "You have already submitted your first move for this drill; it is locked in until the debrief.",
  empty_answer: "Write your first move in one sentence.",
  answer_too_long: "Keep it to one sentence (600 characters at most).",
  first_move_required: "State your first move before walking the decision tree.",
  walk_finished: "You have reached an outcome; your path is recorded.",
  stale_node: "That step was already taken; here is where you are now.",
  unknown_option: "That is not one of the options at this step.",
  unknown_responder: "That person has not submitted a first move in this drill.",
  inject_already_posted: "That inject was already posted.",
  wrong_venue: "That button belongs to a drill in another channel.",
  no_tree: "This is a quick drill: it has no decision tree, only the first move.",
  paused: "The facilitator has paused this drill: nothing moves until they resume it.",
  already_paused: "This drill is already paused. `/drill resume` starts its clock again.",
  not_paused: "This drill is not paused.",
  bad_extension: "Extend by 1 to 60 minutes, e.g. `/drill extend 10`.",
  no_inject_left: "Every inject of this drill has been posted already.",
  unknown_inject: "This scenario has no inject with that number: `/drill inject now` posts the next one.",
  hint_given: "The hint has already been posted in the thread.",
  role_taken: "Someone else holds that role in this drill: pick another.",
  unknown_role: "This scenario has no such role.",
  role_locked: "You have stated your first move: your role stays as it was for the debrief.",
};
