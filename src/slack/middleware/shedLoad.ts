import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import type { Logger } from "@slack/logger";

// Bounds the work a burst can start. Every request that reaches a listener counts as in flight
// until its listener (and what it tracks after ack) has finished. Past a limit the request is
// answered at once with a polite "busy" instead of queueing work the heap cannot hold: a slash
// command gets an ephemeral reply, a form keeps its text with an inline error, a click or an
// App Home open is acknowledged and dropped (the next click or open works again).

export interface LoadLimits {
  /** Slash commands in flight (each may post a drill or a debrief). */
  commands: number;
  /** Slash commands in flight for one person. */
  commandsPerUser: number;
  /** Clicks and form submissions in flight (cheap each; a game day's stampede is hundreds). */
  interactions: number;
  /** Events in flight (App Home opens render history). */
  events: number;
  /** Everything in flight for one workspace, so one workspace cannot take every slot. */
  perTeam: number;
}

export const DEFAULT_LOAD_LIMITS: LoadLimits = {
  commands: 64,
  commandsPerUser: 4,
  interactions: 2_000,
  events: 16,
  perTeam: 1_600,
};

export const BUSY_TEXT = "drillbot is busy right now (a lot is happening at once). Nothing was lost: try again in a few seconds.";

type Kind = "commands" | "interactions" | "events";

interface Shape {
  kind: Kind;
  team: string;
  user: string;
}

function shapeOf(args: AnyMiddlewareArgs): Shape {
  const body = args.body as {
    type?: string;
    command?: string;
    team_id?: string;
    user_id?: string;
    team?: { id?: string } | null;
    user?: { id?: string };
    event?: { user?: string };
  };
  const team = body.team_id ?? body.team?.id ?? "";
  if (typeof body.command === "string") return { kind: "commands", team, user: body.user_id ?? "" };
  if (body.type === "event_callback") return { kind: "events", team, user: body.event?.user ?? "" };
  return { kind: "interactions", team, user: body.user?.id ?? "" };
}

/** The first input block of a submitted form, to hang the "busy" message on. */
function firstInputBlock(body: unknown): string | null {
  const values = (body as { view?: { state?: { values?: Record<string, unknown> } } }).view?.state?.values;
  return values ? (Object.keys(values)[0] ?? null) : null;
}

function bump(counts: Map<string, number>, key: string, by: 1 | -1): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n <= 0) counts.delete(key);
  else counts.set(key, n);
}

export class LoadShedder {
  private readonly inFlight = { commands: 0, interactions: 0, events: 0 };
  private readonly perUser = new Map<string, number>();
  private readonly perTeam = new Map<string, number>();
  shed = 0;

  constructor(
    private readonly limits: LoadLimits,
    private readonly logger: Logger,
  ) {}

  private admits(shape: Shape): boolean {
    if (this.inFlight[shape.kind] >= this.limits[shape.kind]) return false;
    if ((this.perTeam.get(shape.team) ?? 0) >= this.limits.perTeam) return false;
    return !(shape.kind === "commands" && (this.perUser.get(shape.user) ?? 0) >= this.limits.commandsPerUser);
  }

  private change(shape: Shape, by: 1 | -1): void {
    this.inFlight[shape.kind] += by;
    bump(this.perTeam, shape.team, by);
    if (shape.kind === "commands") bump(this.perUser, shape.user, by);
  }

  middleware(): Middleware<AnyMiddlewareArgs> {
    return async (args) => {
      const shape = shapeOf(args);
      if (!this.admits(shape)) {
        this.shed++;
        this.logger.warn(`busy: shed a ${shape.kind.slice(0, -1)} (in flight ${this.inFlight[shape.kind]})`);
        await this.refuse(args, shape);
        return;
      }
      this.change(shape, 1);
      try {
        await args.next();
      } finally {
        this.change(shape, -1);
      }
    };
  }

  private async refuse(args: AnyMiddlewareArgs, shape: Shape): Promise<void> {
    const ack = (args as { ack?: (response?: unknown) => Promise<void> }).ack;
    if (!ack) return; // an event: the receiver acknowledges it; nothing else is owed
    if (shape.kind === "commands") {
      await ack({ response_type: "ephemeral", text: BUSY_TEXT });
      return;
    }
    const block = (args.body as { type?: string }).type === "view_submission" ? firstInputBlock(args.body) : null;
    await ack(block ? { response_action: "errors", errors: { [block]: BUSY_TEXT } } : undefined);
  }
}
