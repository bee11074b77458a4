import { REFUSAL_TEXT } from "../../../../domain/refusals.js";
import { fail, ok, subcommand } from "../subcommand.js";

export const inject = subcommand({
  kind: "inject",
  matches: (first) => first === "inject",
  usage: [
    {
      syntax: "/drill inject now [number]",
      summary: "post the next inject (or inject number n) now instead of at its time (the starter or a facilitator)",
      details: "it is marked early, with who sent it, in the thread and the debrief",
    },
  ],
  hint: null,
  permission: "drill-controller",
  parse(words) {
    const [now, number, ...more] = words.lower;
    const n = number === undefined ? undefined : Number(number.replace(/^#/, ""));
    if (now !== "now" || more.length > 0 || (n !== undefined && (!Number.isInteger(n) || n < 1))) {
      return fail("Say `/drill inject now` for the next inject, or `/drill inject now 2` for the second one.");
    }
    return ok(n === undefined ? {} : { number: n });
  },
  async handle(deps, ctx, args: { number?: number }) {
    const result = await deps.drills.control(ctx.drill.state.id, (drill) => drill.injectNow(ctx.user, args.number));
    if (!result.ok) {
      await ctx.reply(REFUSAL_TEXT[result.reason]);
      return;
    }
    await deps.delivery.postInject(result.drill, result.due, { late: false, early: ctx.user });
    await ctx.reply(`Inject ${result.due.index + 1} posted in the thread.`);
  },
});
