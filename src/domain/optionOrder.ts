import type { TreeOption } from "./scenario.js";

// Scenario authors tend to write the right option first. Shown in file order, "always pick 1"
// would pass every drill, so each drill shows each node's options in its own stable order.

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The options of one node in the order this drill shows them: the same for every responder
 * and on every screen of one drill, different between drills. */
export function displayOrder(options: readonly TreeOption[], drillId: number, nodeId: string): TreeOption[] {
  return [...options].sort(
    (a, b) => fnv1a(`${drillId}/${nodeId}/${a.id}`) - fnv1a(`${drillId}/${nodeId}/${b.id}`) || a.id.localeCompare(b.id),
  );
}
