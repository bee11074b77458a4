// One Bolt listener per kind of request, dispatching by id. Bolt runs the middleware chain of
// every registered listener on every request (each checks the kind, then its own action_id or
// callback_id), so eleven `app.action(id, …)` listeners meant about fifteen chains, with their
// promises and argument copies, for each click of a stampede. Each kind (actions, views, …)
// registers one listener instead, and it finds the handler in a table: one chain per kind.

/** A handler for one id; the table holds handlers of different payload shapes (a button, a
 * select, an overflow menu), each narrowing the kind's arguments for itself. */
export type RoutedHandler<Args> = (args: Args) => Promise<void>;

/** The listener that runs the handler registered for the request's id. A request whose id has
 * no handler is left alone, as Bolt leaves a request no listener matches: unacknowledged, so
 * Slack's usual "did not respond" applies and nothing is recorded. */
export function routeById<Args>(idOf: (args: Args) => string | undefined, handlers: Map<string, RoutedHandler<Args>>) {
  return async (args: Args): Promise<void> => {
    const id = idOf(args);
    const handler = id === undefined ? undefined : handlers.get(id);
    if (handler) await handler(args);
  };
}
