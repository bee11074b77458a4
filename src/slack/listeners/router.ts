// One Bolt listener per kind of request, dispatching by id. Bolt runs the middleware chain of
// every registered listener on every request (each checks the kind, then its own action_id or
// callback_id), so eleven `app.action(id, …)` listeners meant about fifteen chains, with their
// promises and argument copies, for each click of a stampede. Each kind (actions, views, …)
// registers one listener instead, and it finds the handler in a table: one chain per kind.
// Clicks and form submissions, the kinds a game day's stampede is made of, go one step further:
// they are taken by a global middleware (takeKind) and never reach Bolt's listener phase, which
// otherwise still ran every registered listener's chain (the command's, the event's…) on each
// one, each with a copy of its middleware and of the arguments, only for all but one to decline.

/** A handler for one id; the table holds handlers of different payload shapes (a button, a
 * select, an overflow menu), each narrowing the kind's arguments for itself. */
export type RoutedHandler<Args> = (args: Args) => Promise<void>;

/** The listener that runs the handler registered for the request's id. A request whose id has
 * no handler is left alone, as Bolt leaves a request no listener matches: unacknowledged, so
 * Slack's usual "did not respond" applies and nothing is recorded. */
export function routeById<Args>(idOf: (args: Args) => string | undefined, handlers: Map<string, RoutedHandler<Args>>) {
  // The handler's promise is passed on as it is: no frame of this function stays alive while
  // the handler waits on Slack.
  return (args: Args): Promise<void> => {
    const id = idOf(args);
    const handler = id === undefined ? undefined : handlers.get(id);
    return handler ? handler(args) : Promise.resolve();
  };
}

/** The arguments every global middleware gets: the payload's body, and next() to pass it on. */
interface MiddlewareArgs {
  body: unknown;
  next: () => Promise<void>;
}

/** A global middleware that handles every request whose body is of this `type` (block_actions,
 * view_submission) with `listener`, as Bolt's `app.action({ type })` / `app.view({ type })` would,
 * and passes every other request on. Registered after the load shedder, so shedding applies. */
export function takeKind<Args>(type: string, listener: (args: Args) => Promise<void>) {
  return (args: MiddlewareArgs): Promise<void> =>
    (args.body as { type?: unknown } | null)?.type === type ? listener(args as unknown as Args) : args.next();
}
