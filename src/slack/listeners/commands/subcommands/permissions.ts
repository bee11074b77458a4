// Refusals shared by several subcommands.

export const FACILITATORS_ONLY_TO_START =
  "Only facilitators can start drills in this workspace (DRILLBOT_FACILITATORS). Ask one of them to run `/drill`.";

export const FACILITATORS_ONLY_FOR_SCHEDULES = "Only facilitators can change game-day schedules in this workspace (DRILLBOT_FACILITATORS).";

/** Reading other channels' data without a facilitator named in DRILLBOT_FACILITATORS. */
export const EVERY_CHANNEL_NEEDS_FACILITATOR = (what: string) =>
  `${what} shows every channel, private ones included, so it is for the facilitators named in DRILLBOT_FACILITATORS. Without \`all\` you see this channel's.`;
