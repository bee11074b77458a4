import type { types } from "@slack/bolt";

// Slack's Block Kit limits, checked by the tests on every payload the app builds.
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  contextElements: 10,
  actionsElements: 25,
  modalTitle: 24,
  privateMetadata: 3000,
  messageText: 40000,
  inputLabel: 2000,
} as const;

export type Block = types.KnownBlock;

/** Every limit a payload breaks, as readable lines; empty when it is within them all. */
export function blockLimitProblems(blocks: Block[], surface: "message" | "modal" | "home"): string[] {
  const problems: string[] = [];
  const max = surface === "message" ? LIMITS.messageBlocks : LIMITS.viewBlocks;
  if (blocks.length > max) problems.push(`${blocks.length} blocks, more than ${max} in a ${surface}`);
  const check = (what: string, text: string | undefined, limit: number) => {
    if (text !== undefined && text.length > limit) problems.push(`${what}: ${text.length} characters, limit ${limit}`);
    if (text !== undefined && text.length === 0) problems.push(`${what}: empty text`);
  };
  blocks.forEach((block, i) => {
    const at = `block ${i} (${block.type})`;
    if (block.type === "section") {
      check(`${at} text`, block.text?.text, LIMITS.sectionText);
      if ((block.fields?.length ?? 0) > LIMITS.sectionFields) problems.push(`${at}: more than ${LIMITS.sectionFields} fields`);
      for (const field of block.fields ?? []) check(`${at} field`, field.text, LIMITS.fieldText);
      if (block.accessory?.type === "button") {
        check(`${at} button`, block.accessory.text.text, LIMITS.buttonText);
        check(`${at} button value`, block.accessory.value, LIMITS.buttonValue);
      }
    } else if (block.type === "header") {
      check(`${at} text`, block.text.text, LIMITS.headerText);
    } else if (block.type === "context") {
      if (block.elements.length > LIMITS.contextElements) problems.push(`${at}: more than ${LIMITS.contextElements} elements`);
      for (const el of block.elements) if ("text" in el) check(`${at} element`, el.text, LIMITS.sectionText);
    } else if (block.type === "actions") {
      if (block.elements.length > LIMITS.actionsElements) problems.push(`${at}: more than ${LIMITS.actionsElements} elements`);
      for (const el of block.elements) {
        if (el.type === "button") {
          check(`${at} button`, el.text.text, LIMITS.buttonText);
          check(`${at} button value`, el.value, LIMITS.buttonValue);
        }
      }
    } else if (block.type === "input") {
      check(`${at} label`, block.label.text, LIMITS.inputLabel);
    }
  });
  return problems;
}

export function viewLimitProblems(view: types.View): string[] {
  const problems = blockLimitProblems(view.blocks as Block[], view.type === "home" ? "home" : "modal");
  if (view.type === "modal") {
    if (view.title.text.length > LIMITS.modalTitle) problems.push(`modal title: more than ${LIMITS.modalTitle} characters`);
    if ((view.private_metadata?.length ?? 0) > LIMITS.privateMetadata) problems.push("private_metadata too long");
  }
  return problems;
}

/** Keeps at most `max` blocks, replacing the rest with a note saying how many were left out. */
export function capBlocks(blocks: Block[], max: number, what = "items"): Block[] {
  if (blocks.length <= max) return blocks;
  const kept = blocks.slice(0, max - 1);
  return [
    ...kept,
    {
      type: "context",
      elements: [{ type: "mrkdwn", text: `_${blocks.length - kept.length} more ${what} not shown (Slack's limit of ${max} blocks)._` }],
    },
  ];
}

/** Splits blocks into messages of at most 50 blocks each. */
export function chunkBlocks(blocks: Block[], size: number = LIMITS.messageBlocks): Block[][] {
  const chunks: Block[][] = [];
  for (let i = 0; i < blocks.length; i += size) chunks.push(blocks.slice(i, i + size));
  return chunks;
}
