import type { Drill, Refusal } from "../../../../domain/drill.js";
import { REFUSAL_TEXT } from "../../../../domain/refusals.js";
import type { SlackDeps } from "../../../deps.js";
import type { CommandContext } from "../context.js";

/** After a facilitator control: a line in the drill's thread (everyone sees what changed) and a
 * short confirmation to the facilitator; or why it was refused, to them alone. */
export async function afterControl(
  deps: SlackDeps,
  ctx: CommandContext,
  result: { ok: true; drill: Drill } | { ok: false; reason: Refusal },
  note: (drill: Drill) => { key: string; text: string; confirm: string } | null,
): Promise<void> {
  if (!result.ok) {
    await ctx.reply(REFUSAL_TEXT[result.reason]);
    return;
  }
  const said = note(result.drill);
  if (!said) return;
  await deps.delivery.note(result.drill, said.key, said.text);
  await ctx.reply(said.confirm);
}
