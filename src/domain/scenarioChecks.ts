import { parseDuration } from "./duration.js";
import type { ScenarioFile } from "./scenario.js";

/** A problem found in a scenario, located by its path in the file (for file:line reporting). */
export interface ScenarioProblem {
  path: (string | number)[];
  message: string;
  /** A warning is reported but does not stop the scenario from loading. */
  severity?: "warning";
}

export const MIN_DECISION_NODES = 3;

/** Decision-tree integrity: every next exists, every node reachable, no cycles, every path
 * ends in an outcome, and the expected path is a real path from start to an outcome. */
export function checkTree(tree: ScenarioFile["tree"]): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const nodeIds = Object.keys(tree.nodes);
  const outcomeIds = Object.keys(tree.outcomes);
  const isNode = (id: string) => Object.hasOwn(tree.nodes, id);
  const isOutcome = (id: string) => Object.hasOwn(tree.outcomes, id);

  if (nodeIds.length < MIN_DECISION_NODES) {
    problems.push({
      path: ["tree", "nodes"],
      message: `a drill needs at least ${MIN_DECISION_NODES} decision nodes, found ${nodeIds.length}`,
    });
  }
  if (outcomeIds.length === 0) problems.push({ path: ["tree", "outcomes"], message: "add at least one outcome" });
  for (const id of nodeIds) {
    if (isOutcome(id))
      problems.push({ path: ["tree", "outcomes", id], message: `"${id}" is both a node and an outcome; ids must be unique` });
  }
  if (!isNode(tree.start)) {
    problems.push({ path: ["tree", "start"], message: `start "${tree.start}" is not a decision node (nodes: ${nodeIds.join(", ")})` });
  }

  for (const [nodeId, node] of Object.entries(tree.nodes)) {
    const seen = new Set<string>();
    node.options.forEach((option, i) => {
      if (seen.has(option.id)) {
        problems.push({
          path: ["tree", "nodes", nodeId, "options", i, "id"],
          message: `option id "${option.id}" is used twice in node "${nodeId}"`,
        });
      }
      seen.add(option.id);
      if (!isNode(option.next) && !isOutcome(option.next)) {
        problems.push({
          path: ["tree", "nodes", nodeId, "options", i, "next"],
          message: `"${option.next}" is neither a node nor an outcome`,
        });
      }
    });
  }

  // Reachability and cycles in one depth-first walk from start.
  const state = new Map<string, "visiting" | "done">();
  const walk = (id: string) => {
    state.set(id, "visiting");
    const node = tree.nodes[id];
    node?.options.forEach((option, i) => {
      if (!isNode(option.next)) {
        if (isOutcome(option.next)) state.set(option.next, "done");
        return;
      }
      const seen = state.get(option.next);
      if (seen === "visiting") {
        problems.push({
          path: ["tree", "nodes", id, "options", i, "next"],
          message: `"${id}" → "${option.next}" makes a cycle; every path must end in an outcome`,
        });
      } else if (seen === undefined) {
        walk(option.next);
      }
    });
    state.set(id, "done");
  };
  if (isNode(tree.start)) walk(tree.start);
  for (const id of nodeIds) {
    if (isNode(tree.start) && !state.has(id))
      problems.push({ path: ["tree", "nodes", id], message: `node "${id}" cannot be reached from start "${tree.start}"` });
  }
  for (const id of outcomeIds) {
    if (isNode(tree.start) && !state.has(id))
      problems.push({ path: ["tree", "outcomes", id], message: `outcome "${id}" cannot be reached from start "${tree.start}"` });
  }

  const path = tree.expected_path;
  if (path[0] !== undefined && path[0] !== tree.start) {
    problems.push({
      path: ["tree", "expected_path", 0],
      message: `the expected path must begin at start "${tree.start}", not "${path[0]}"`,
    });
  }
  for (let i = 0; i + 1 < path.length; i++) {
    const from = path[i] ?? "";
    const to = path[i + 1] ?? "";
    const node = tree.nodes[from];
    if (!node) {
      problems.push({
        path: ["tree", "expected_path", i],
        message: `"${from}" is not a decision node, so the path cannot continue from it`,
      });
      break;
    }
    if (!node.options.some((o) => o.next === to)) {
      problems.push({
        path: ["tree", "expected_path", i + 1],
        message: `no option of "${from}" leads to "${to}" (options lead to: ${node.options.map((o) => o.next).join(", ")})`,
      });
      break;
    }
  }
  const last = path.at(-1);
  if (last !== undefined && !isOutcome(last)) {
    problems.push({
      path: ["tree", "expected_path", path.length - 1],
      message: `the expected path must end in an outcome, "${last}" is not one`,
    });
  }
  return problems;
}

/** Every check on a schema-valid scenario that does not need the file system. */
export function checkScenario(scenario: ScenarioFile, fileId?: string): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  if (fileId !== undefined && fileId !== scenario.id) {
    problems.push({ path: ["id"], message: `id "${scenario.id}" must match the file name "${fileId}.yml"` });
  }
  const limit = parseDuration(scenario.time_limit) ?? 0;
  const readWindow = parseDuration(scenario.read_window) ?? 0;
  if (readWindow >= limit) {
    problems.push({
      path: ["read_window"],
      message: `read window ${scenario.read_window} must be shorter than the time limit ${scenario.time_limit}`,
    });
  }
  scenario.injects.forEach((inject, i) => {
    const at = parseDuration(inject.at) ?? 0;
    if (at >= limit) {
      problems.push({ path: ["injects", i, "at"], message: `inject at ${inject.at} is not inside the time limit ${scenario.time_limit}` });
    }
  });
  problems.push(...checkTree(scenario.tree));
  return problems;
}
