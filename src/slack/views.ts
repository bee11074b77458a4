import type { types, webApi } from "@slack/bolt";

// Opening, updating and publishing views with the view sent as JSON text. The Web API client
// sends a form post and JSON-encodes any field that is an object, so the request Slack gets is
// byte for byte the same either way. Given an object, though, the client first copies it key by
// key into a redacted duplicate for a debug log line, which it builds on every call whether or
// not debug logging is on: for a modal that was a quarter of what the client allocates per call
// and about 15 µs of CPU, on the "First move" click a game day's stampede makes hundreds of
// times a second. Given the text, there is nothing to copy.

type Client = Pick<webApi.WebClient, "apiCall">;

export function openView(client: Client, triggerId: string, view: types.View): Promise<webApi.WebAPICallResult> {
  return client.apiCall("views.open", { trigger_id: triggerId, view: JSON.stringify(view) });
}

export function updateView(client: Client, viewId: string, view: types.View): Promise<webApi.WebAPICallResult> {
  return client.apiCall("views.update", { view_id: viewId, view: JSON.stringify(view) });
}

export function publishView(client: Client, userId: string, view: types.View): Promise<webApi.WebAPICallResult> {
  return client.apiCall("views.publish", { user_id: userId, view: JSON.stringify(view) });
}
