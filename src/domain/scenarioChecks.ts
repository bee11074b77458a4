import { closeMatch } from "./closest.js";
import { parseDuration } from "./duration.js";
import type { ScenarioFile, Tree } from "./scenario.js";

/** A problem found in a scenario, located by its path in the file (for file:line reporting).
 * An error keeps the scenario out of the catalog; a warning does not (`lint --strict` fails on it). */
export interface ScenarioProblem {
  path: (string | number)[];
  message: string;
  /** A warning is reported but does not stop the scenario from loading. */
  severity?: "warning";
}

export const MIN_DECISION_NODES = 3;
export const MIN_INJECTS = 2;

const warning = (path: ScenarioProblem["path"], message: string): ScenarioProblem => ({ path, message, severity: "warning" });

/** Decision-tree integrity: every next exists, every node reachable, no cycles, every path
 * ends in an outcome, and the expected path is a real path from start to an outcome. A typo in
 * one id is reported once: the checks after it read it as the id it is closest to. */
export function checkTree(tree: Tree): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const nodeIds = Object.keys(tree.nodes);
  const outcomeIds = Object.keys(tree.outcomes);
  const allIds = [...nodeIds, ...outcomeIds];
  const isNode = (id: string) => Object.hasOwn(tree.nodes, id);
  const isOutcome = (id: string) => Object.hasOwn(tree.outcomes, id);
  const known = (id: string) => isNode(id) || isOutcome(id);
  const hint = (id: string) => {
    const close = closeMatch(id, allIds);
    return close ? ` (did you mean "${close}"?)` : ` (nodes: ${nodeIds.join(", ")}; outcomes: ${outcomeIds.join(", ")})`;
  };
  // What an unknown id most likely meant; null when nothing is close (then checks that depend on it stay quiet).
  const meant = (id: string): string | null => (known(id) ? id : closeMatch(id, allIds));
  let unresolved = false;

  if (nodeIds.length < MIN_DECISION_NODES) {
    problems.push(warning(["tree", "nodes"], `a full drill needs at least ${MIN_DECISION_NODES} decision nodes, found ${nodeIds.length}`));
  }
  if (outcomeIds.length === 0) problems.push({ path: ["tree", "outcomes"], message: "add at least one outcome" });
  for (const id of nodeIds) {
    if (isOutcome(id))
      problems.push({ path: ["tree", "outcomes", id], message: `"${id}" is both a node and an outcome; ids must be unique` });
  }
  const start = meant(tree.start);
  if (!isNode(tree.start)) {
    problems.push({ path: ["tree", "start"], message: `start "${tree.start}" is not a decision node${hint(tree.start)}` });
    if (start === null) unresolved = true;
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
      if (!known(option.next)) {
        problems.push({
          path: ["tree", "nodes", nodeId, "options", i, "next"],
          message: `"${option.next}" is neither a node nor an outcome${hint(option.next)}`,
        });
        if (meant(option.next) === null) unresolved = true;
      }
    });
  }

  // Reachability and cycles in one depth-first walk from start, with typos read as meant.
  const state = new Map<string, "visiting" | "done">();
  const walk = (id: string) => {
    state.set(id, "visiting");
    tree.nodes[id]?.options.forEach((option, i) => {
      const next = meant(option.next);
      if (next === null) return;
      if (!isNode(next)) {
        state.set(next, "done");
        return;
      }
      const seen = state.get(next);
      if (seen === "visiting") {
        problems.push({
          path: ["tree", "nodes", id, "options", i, "next"],
          message: `"${id}" → "${next}" makes a cycle; every path must end in an outcome`,
        });
      } else if (seen === undefined) {
        walk(next);
      }
    });
    state.set(id, "done");
  };
  if (start !== null && isNode(start)) walk(start);
  if (!unresolved && start !== null && isNode(start)) {
    for (const id of nodeIds) {
      if (!state.has(id)) problems.push({ path: ["tree", "nodes", id], message: `node "${id}" cannot be reached from start "${start}"` });
    }
    for (const id of outcomeIds) {
      if (!state.has(id))
        problems.push({ path: ["tree", "outcomes", id], message: `outcome "${id}" cannot be reached from start "${start}"` });
    }
  }

  const path = tree.expected_path;
  if (path[0] !== undefined && path[0] !== tree.start && meant(path[0]) !== start) {
    problems.push({
      path: ["tree", "expected_path", 0],
      message: `the expected path must begin at start "${tree.start}", not "${path[0]}"`,
    });
  }
  for (let i = 0; i < path.length; i++) {
    const id = path[i] ?? "";
    if (!known(id)) {
      problems.push({ path: ["tree", "expected_path", i], message: `"${id}" is neither a node nor an outcome${hint(id)}` });
      return problems;
    }
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
    const leads = node.options.map((o) => meant(o.next));
    if (!leads.includes(to)) {
      // An option with an unknown next is already reported; it may be the way to "to".
      if (leads.includes(null)) break;
      problems.push({
        path: ["tree", "expected_path", i + 1],
        message: `no option of "${from}" leads to "${to}" (options lead to: ${node.options.map((o) => o.next).join(", ")})`,
      });
      break;
    }
  }
  const last = path.at(-1);
  if (last !== undefined && isNode(last)) {
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
  const seenRoles = new Set<string>();
  (scenario.roles ?? []).forEach((role, i) => {
    if (seenRoles.has(role.id))
      problems.push({ path: ["roles", i, "id"], message: `role "${role.id}" is listed twice; role ids must be unique` });
    seenRoles.add(role.id);
  });
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
  const rubric = scenario.first_move.rubric;
  if ((rubric.risky ?? rubric.must_not ?? []).length === 0) {
    problems.push(
      warning(
        ["first_move", "rubric"],
        'name the risky actions that make a first move wrong (risky: [restart, roll back, …]), or a "fix it first" answer passes',
      ),
    );
  }
  if (scenario.tree) {
    problems.push(...checkTree(scenario.tree));
    // A full drill's story: injects that raise the stakes and give a clue.
    if (scenario.injects.length < MIN_INJECTS) {
      problems.push(warning(["injects"], `a full drill needs at least ${MIN_INJECTS} injects, found ${scenario.injects.length}`));
    } else {
      const kinds = new Set(scenario.injects.map((i) => i.kind));
      if (!kinds.has("stakes") || !kinds.has("clue")) {
        problems.push(warning(["injects"], "give the story one inject that raises the stakes (kind: stakes) and one clue (kind: clue)"));
      }
    }
  } else if (scenario.injects.length > 0) {
    problems.push(warning(["injects"], "injects without a decision tree: add a tree, or drop the injects for a quick drill"));
  }
  return problems;
}
