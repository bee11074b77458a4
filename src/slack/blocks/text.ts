// Text for Slack: escaping what users typed, converting runbook Markdown to mrkdwn, and
// keeping every text object inside Slack's limits.

/** Characters that are invisible or change how the text around them reads: format characters
 * (zero-width, bidirectional controls, soft hyphen, the Arabic letter mark, the Mongolian vowel
 * separator, tag characters), line and paragraph separators, the combining grapheme joiner,
 * Hangul and Braille blanks, and C0/C1 controls other than tab and newline. A zero-width joiner
 * between two emoji is kept: it is how 👩‍💻 is written. */
const INVISIBLE = new RegExp(
  [
    "(?<!\\p{Extended_Pictographic}\\uFE0F?)\\u200D", // a joiner not inside an emoji
    "\\u200D(?!\\p{Extended_Pictographic})",
    "(?!\\u200D)\\p{Cf}", // format characters
    "\\p{Zl}",
    "\\p{Zp}",
    "\\u034F", // combining grapheme joiner
    "[\\u115F\\u1160\\u3164\\uFFA0\\u2800]", // Hangul fillers, Braille blank
    "(?![\\n\\t])\\p{Cc}", // control characters but newline and tab
  ].join("|"),
  "gu",
);

/** Removes every invisible or reading-order trick from a text (see INVISIBLE). */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, "");
}

/** Safe to put in mrkdwn: no mentions, no @channel/@here, no disguised links, no invisible tricks.
 * Slack only parses <…> sequences, so escaping &, < and > is enough to make them literal. */
export function escapeMrkdwn(text: string): string {
  return stripInvisible(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** For what people typed, shown inside the bot's own mrkdwn (answers, flags, names): escaped as
 * above, and its formatting characters shown as look-alikes, so an answer cannot style itself
 * as a verdict ("*✅ correct*") or open a code block over the lines after it. A marker between
 * two letters or digits (metric_name, a*b) cannot format and is left alone. */
export function escapeUserText(text: string): string {
  return escapeMrkdwn(text)
    .replace(/`/g, "\u02CB")
    .replace(/(^|[^\p{L}\p{N}])[*_~]|[*_~](?=$|[^\p{L}\p{N}])/gu, (marker) =>
      marker.replace("*", "\u2217").replace("_", "\u02CD").replace("~", "\u223C"),
    );
}

/** For plain_text objects: Slack does not parse them, but invisible controls still mislead. */
export function cleanPlain(text: string): string {
  return stripInvisible(text);
}

/** Cuts text to a limit, saying so, on a line boundary where one is near. */
export function truncate(text: string, max: number, note = "… (truncated)"): string {
  if (text.length <= max) return text;
  const room = max - note.length - 1;
  const cut = text.lastIndexOf("\n", room);
  return `${text.slice(0, cut > room * 0.6 ? cut : room)}\n${note}`.slice(0, max);
}

/** Splits mrkdwn into chunks of at most `max` characters at line ends, closing and reopening
 * code fences at a split so each chunk renders on its own. */
export function splitMrkdwn(text: string, max = 3000): string[] {
  const chunks: string[] = [];
  let current = "";
  let inFence = false;
  const push = () => {
    if (current.trim() !== "") chunks.push(inFence ? `${current}\n\`\`\`` : current);
    current = inFence ? "```\n" : "";
  };
  for (const rawLine of text.split("\n")) {
    // A single line longer than a chunk is cut into pieces.
    const pieces = rawLine.length > max - 10 ? (rawLine.match(new RegExp(`.{1,${max - 10}}`, "g")) ?? [rawLine]) : [rawLine];
    for (const line of pieces) {
      if (current.length + line.length + 1 > max - 4) push();
      current += current === "" || current.endsWith("\n") ? line : `\n${line}`;
      if (/^\s*```/.test(line)) inFence = !inFence;
    }
  }
  if (current.trim() !== "" && current !== "```\n") chunks.push(current);
  return chunks;
}

/** Marks bold while italics are converted, so "*bold*" is not read as Markdown italics. */
const BOLD = "\u0001";

/** Runbook Markdown → Slack mrkdwn: headings, bold, italics, links, lists, code kept. */
export function markdownToMrkdwn(markdown: string): string {
  let inFence = false;
  return markdown
    .split("\n")
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        inFence = !inFence;
        return "```";
      }
      if (inFence) return escapeMrkdwn(line);
      let out = escapeMrkdwn(line);
      // Inline code spans are kept verbatim; format only the text between them.
      out = out
        .split(/(`[^`]*`)/)
        .map((part) => {
          if (part.startsWith("`") && part.endsWith("`") && part.length > 1) return part;
          return part
            .replace(/^(\s*)#{1,6}\s+(.*?)\s*#*$/, `$1${BOLD}$2${BOLD}`)
            .replace(/\*\*(.+?)\*\*/g, `${BOLD}$1${BOLD}`)
            .replace(/__(.+?)__/g, `${BOLD}$1${BOLD}`)
            .replace(/(^|[^*\w])\*(?!\s)([^*]+?)\*(?!\w)/g, "$1_$2_")
            .replaceAll(BOLD, "*")
            .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, "<$2|$1>")
            .replace(/^(\s*)[-*+]\s+/, "$1• ");
        })
        .join("");
      return out;
    })
    .join("\n");
}
