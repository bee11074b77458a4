import porter2 from "wink-porter2-stemmer";

// Words as the scorer sees them: lower case, accents and invisible characters gone, "don't" as
// "dont", each word reduced to its stem (Porter2, the Snowball English stemmer: "restarting",
// "restarted" and "restarts" are all "restart"), with clause boundaries kept so a "don't" in
// one clause cannot reach a verb in the next.

export interface Word {
  /** As typed, lower case. */
  raw: string;
  /** What it is matched as: the lexicon's fixed form, or its stem. */
  stem: string;
  /** Clause number: punctuation such as , ; . ( → and words such as "then" or "just" start a new
   * one. A negation reaches only within its clause. */
  clause: number;
  /** Like clause, but brackets do not end it, so "sum by (provider)" stays one phrase: a term's
   * words must all be in one segment. */
  segment: number;
  /** Sentence number: only . ? ! ; and line breaks end one. A condition ("if it is active,
   * deactivate it") reaches across commas and arrows, not past a full stop. */
  sentence: number;
  /** In a sentence that ends with a question mark. */
  question?: boolean;
  /** A search pattern ("grep -i evict", LogQL |= "kill"): what is looked for, never an action. */
  pattern?: boolean;
  /** Part of an API or event name such as UpdateSecretVersionStage: what a query searches for,
   * never an action the responder takes. */
  identifier?: boolean;
  /** Part of a command-line option ("--rm", "-f", "--dry-run"): how a command runs, never an
   * action of its own ("kubectl run psql-test --rm" deletes nothing). */
  flag?: boolean;
  /** The step number when the answer is a numbered plan ("1) check … 2) … 3) …"), from the step
   * marker on; absent outside such a plan. */
  step?: number;
  /** Filler ("the", "every", "it"…): skipped when measuring the distance between a term's words. */
  filler: boolean;
  /** Joined to the word before by a hyphen ("api" and "prod" in checkout-api-prod): one name, so
   * one word when measuring the distance between a term's words. */
  joined?: boolean;
}

/** Words that carry no meaning for matching: the gap between "wipe" and "session" in "wipe every
 * session" is one word, not two. Negation words are never filler. */
export const FILLER_WORDS: ReadonlySet<string> = new Set([
  "a",
  "an",
  "the",
  "every",
  "each",
  "any",
  "some",
  "of",
  "to",
  "from",
  "for",
  "with",
  "at",
  "in",
  "on",
  "into",
  "onto",
  "this",
  "that",
  "these",
  "those",
  "it",
  "its",
  "them",
  "they",
  "their",
  "our",
  "my",
  "your",
  "his",
  "her",
  "we",
  "us",
  "you",
  "me",
  "i",
  "im",
  "ill",
  "is",
  "are",
  "was",
  "were",
  "be",
  "been",
  "being",
  "am",
  "also",
  "pls",
  "please",
  "plz",
  "really",
  "actually",
  // Typed the in a hurry.
  "teh",
  "hte",
  // Spanish articles in mixed-language answers ("el label del service"): "del" is never the delete
  // command there. ("de" and "un" stay words: "de-register", "un-suspend".)
  "del",
  "el",
  "los",
  "las",
  "que",
]);

/** A PascalCase name that starts with an API verb: an AWS/Kubernetes API call or CloudTrail event;
 * or a camelCase one, a function or step name ("setSecret ran and finishSecret didn't"). */
const API_NAME =
  /(?<![\p{L}\p{N}])(?:[Uu]pdate|[Dd]elete|[Pp]ut|[Cc]reate|[Aa]ttach|[Dd]etach|[Rr]emove|[Dd]eactivate|[Dd]isable|[Ee]nable|[Rr]evoke|[Rr]otate|[Ss]top|[Tt]erminate|[Mm]odify|[Rr]eboot|[Rr]estart|[Ss]tart|[Cc]ancel|[Rr]eset|[Ss]et|[Tt]ag|[Uu]ntag|[Gg]et|[Ll]ist|[Dd]escribe|[Aa]ssume|[Ff]inish|[Tt]est)(?:\p{Lu}[\p{Ll}\p{N}]+)+(?![\p{L}\p{N}])/gu;
/** Slack emoji shortcodes (":rotating_light:", ":white_check_mark:"): decoration, never words. */
const EMOJI_SHORTCODE = /(?<=^|[\s(]):[a-z][a-z0-9_+-]*:(?=$|[\s.,!?)])/giu;
/** Commands whose arguments are what is searched for. */
const SEARCH_COMMANDS: ReadonlySet<string> = new Set(["grep", "egrep", "fgrep", "rg", "ag", "zgrep"]);

/** Joins the words of an API name (a control character: neither a word nor a clause break). */
const API_JOIN = "\u0002";

/** Particles that are part of the verb before them ("turn on enforce_admins", "shell into the
 * pod"): kept as words, so "shell into" is not any mention of a shell. */
const PARTICLE_VERBS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ["on", new Set(["turn", "turns", "turned", "turning", "switch", "switched", "switching"])],
  ["into", new Set(["shell", "shelled", "ssh", "exec", "execd", "execing", "attach", "attached"])],
]);

/** Words that start a new clause: "check the dashboard, then restart" — "then restart" is its own. */
const CLAUSE_WORDS: ReadonlySet<string> = new Set(["then", "but", "just", "so", "because", "since", "while", "instead", "meanwhile"]);
/** What follows a "but" that only narrows its clause: a preposition ("but for", "but on"), unless
 * it opens a time or a manner ("but for now kubectl get jobs", "but in the meantime check …",
 * "but for starters pull …"), which starts a clause of its own. */
const BUT_NARROWING =
  /^\s+(?:for|on|in|at|from|of|with)\s+(?!(?:now|today|starters|once|sure|example|instance|the (?:moment|meantime|time being|record|most part)|a (?:start|sec|second|minute|bit|while))(?![\p{L}\p{N}]))/u;

/** Kubernetes kinds whose name is also an ops verb: before a slash they name an object. */
const RESOURCE_KINDS: ReadonlySet<string> = new Set(["deploy", "deployment", "deployments"]);

/** A commit sha or digest prefix: hex, 7–64 characters, with a digit and a letter. */
const HEX_ID = /^(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,64}$/;

const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;
/** Punctuation that ends a clause when it stands between words (not the dot in token.refresh). */
const CLAUSE_BREAK = /(?:[,;!?()[\]{}|\n]|[.:](?=\s|$)|\s[-–—]+\s|->|=>|→|⇒|…)/y;
/** toWords reads its text with sticky patterns at a position, instead of slicing off the rest of
 * the text at every word and separator (slices and re-scans made tokenising quadratic-ish). */
const CLOCK_AT = /\d{1,2}:\d{2}(?::\d{2})?(?![\p{L}\p{N}])/uy;
const WORD_AT = /[\p{L}\p{N}]+/uy;
const KIND_SLASH_AT = /(?:\.apps)?\//y;
const DOT_LETTER_AT = /\.[\p{L}]/uy;

/** A sticky pattern's match exactly at `index` of `text`, or null. */
function at(pattern: RegExp, text: string, index: number): RegExpExecArray | null {
  pattern.lastIndex = index;
  return pattern.exec(text);
}

const stemCache = new Map<string, string>();

/** The Porter2 stem of one lower-case word; words with digits (ids, versions, ja3) are kept whole. */
export function stemWord(word: string): string {
  if (/\d/.test(word) || word.length <= 2) return word;
  let stem = stemCache.get(word);
  if (stem === undefined) {
    stem = porter2(word);
    if (stemCache.size > 50_000) stemCache.clear();
    stemCache.set(word, stem);
  }
  return stem;
}

/** "X's" after a noun; not after the pronouns and question words whose "'s" is "is", "has" or "us". */
const POSSESSIVE =
  /(?<![\p{L}\p{N}])(?!(?:it|that|there|here|what|who|where|when|why|how|he|she|let|this)['’‘`´])([\p{L}\p{N}][\p{L}\p{N}._-]*)['’‘`´]s(?![\p{L}\p{N}])/gu;

/** Text of printable ASCII only (and whitespace). */
const PRINTABLE_ASCII = /^[\x20-\x7e\t\n\r]*$/;
const UPPER_OR_UNDERSCORE = /[\p{Lu}_]/u;

/** Lower case, no accents, no invisible characters, apostrophes inside words dropped ("don't" → "dont"). */
export function foldText(text: string): string {
  // A possessive is its noun: "the PR's checks" are the PR's ("prs" would stem to nothing known),
  // "catalog-db's cpu" is the db's. Contractions keep their letter: "it's", "let's", "that's".
  // Plain ASCII (most answers) has no accents or invisible characters to remove.
  const plain = PRINTABLE_ASCII.test(text) ? text : text.normalize("NFKD").replace(/\p{M}/gu, "").replace(INVISIBLE, "");
  return plain
    .toLowerCase()
    .replace(POSSESSIVE, "$1")
    .replace(/(\p{L})['’‘`´](?=\p{L})/gu, "$1");
}

/** Identifiers from commands and queries as words (only real camelCase: text in one case is left
 * alone, so an answer typed in capitals scores like one in lower case): JA3Hash → JA3 Hash, headRefOid → head Ref Oid, revoked_at → revoked at,
 * validationFailureAction → validation Failure Action (plural acronyms such as ASNs stay whole). */
export function splitCamelCase(text: string): string {
  // No capital or underscore: nothing to split (a regex pass per rule saved on most answers). A NUL,
  // which the last step removes, still goes through.
  if (!UPPER_OR_UNDERSCORE.test(text) && !text.includes("\u0000")) return text;
  return (
    text
      // API and event names (DeleteAccessKey, UpdateSecretVersionStage): words joined by a mark,
      // so toWords knows they name an event, not an instruction.
      .replace(API_NAME, (name) => name.replace(/(\p{Ll}|\p{N})(?=\p{Lu})/gu, `$1${API_JOIN}`).toLowerCase())
      // notAfter, noSchedule: split, they would read as a negation ("not after").
      .replace(/(?<![\p{L}\p{N}])(not|no|non)(?=\p{Lu})/gu, "$1\u0000")
      // Not before one capital that ends the word: IdP, IdPs, SaaS are one word each.
      .replace(/(\p{Ll})(?=\p{Lu}(?!s?(?![\p{L}\p{N}])))/gu, "$1 ")
      .replace(/(\p{N})(?=\p{Lu}\p{Ll})/gu, "$1 ")
      .replace(/(\p{Lu})(?=\p{Lu}\p{Ll}{2,})/gu, "$1 ")
      .replace(/_/g, " ")
      .replaceAll("\u0000", "")
  );
}

/** Step markers of a numbered plan ("1) … 2) …", "1. … 2. …"): offset of each marker's digit → its
 * number. Empty unless the answer has both a step 1 and a step 2, in order, so "rollback to v1.2"
 * or "wait 5. then" is no plan. */
function numberedSteps(folded: string): Map<number, number> {
  const markers = new Map<number, number>();
  let expected = 1;
  for (const m of folded.matchAll(/(?:^|[\s(,;:])([1-9])[.)](?=\s)/g)) {
    const n = Number(m[1]);
    if (n !== expected) continue;
    markers.set((m.index ?? 0) + m[0].length - 2, n);
    expected++;
  }
  return expected > 2 ? markers : new Map();
}

const NO_FORMS: ReadonlyMap<string, string> = new Map();
const phraseWordsCache = new WeakMap<ReadonlyMap<string, string>, Map<string, readonly Word[]>>();

/** The content words of a rubric term or lexicon phrase (never an answer): cached, since a
 * catalog repeats the same terms ("restart", "roll back") across its rubrics and compiling them
 * is most of what loading a rubric costs. */
export function phraseWords(phrase: string, forms: ReadonlyMap<string, string> = NO_FORMS): readonly Word[] {
  let cache = phraseWordsCache.get(forms);
  if (!cache) {
    cache = new Map();
    phraseWordsCache.set(forms, cache);
  }
  let words = cache.get(phrase);
  if (!words) {
    words = Object.freeze(toWords(phrase, forms).filter((w) => !w.filler));
    if (cache.size > 20_000) cache.clear();
    cache.set(phrase, words);
  }
  return words;
}

/** The answer as words with stems and clause numbers. `forms` fixes words the stemmer gets wrong. */
export function toWords(text: string, forms?: ReadonlyMap<string, string>): Word[] {
  const folded = foldText(splitCamelCase(text.replace(EMOJI_SHORTCODE, " ")));
  const words: Word[] = [];
  let clause = 0;
  let segment = 0;
  let sentence = 0;
  /** After grep (or LogQL |=, |~) until the next pipe: a search pattern. */
  let inPattern = false;
  /** Inside a command-line option, from its dash to the next space or "=". */
  let inFlag = false;
  /** A numbered plan counts only once it has a step 1 and a step 2. */
  const steps = numberedSteps(folded);
  let step: number | undefined;
  let i = 0;
  while (i < folded.length) {
    // A clock time ("14:07", "~02:00") is a moment: matched as the word "timestamp".
    const clock = at(CLOCK_AT, folded, i);
    if (clock && !/[\p{L}\p{N}]/u.test(folded[i - 1] ?? "")) {
      words.push({ raw: clock[0], stem: "timestamp", clause, segment, sentence, filler: false, ...(step !== undefined ? { step } : {}) });
      i += clock[0].length;
      continue;
    }
    const word = at(WORD_AT, folded, i);
    // A hex id of seven characters or more ("c7761e58", "9f3c2a1") is a commit or digest: matched
    // as the word "sha".
    if (word && HEX_ID.test(word[0]) && !steps.has(i)) {
      words.push({ raw: word[0], stem: "sha", clause, segment, sentence, filler: false, ...(step !== undefined ? { step } : {}) });
      i += word[0].length;
      continue;
    }
    if (word) {
      const raw = word[0];
      const marker = steps.get(i);
      if (marker !== undefined) {
        step = marker;
        i += raw.length;
        continue;
      }
      if (folded[i - 1] === "-" && (i < 2 || /[\s-]/.test(folded[i - 2] ?? ""))) inFlag = true;
      // "pulled the top ja3 but for /api/v1/search": "but" before a preposition narrows the
      // clause it is in rather than opening another.
      const narrows = raw === "but" && BUT_NARROWING.test(folded.slice(i + raw.length, i + raw.length + 32));
      if (CLAUSE_WORDS.has(raw) && words.length > 0 && !narrows) {
        clause++;
        segment++;
      }
      // "deploy/catalog-api", "deployment.apps/x": the Kubernetes object, not an act of deploying.
      const stem =
        RESOURCE_KINDS.has(raw) && at(KIND_SLASH_AT, folded, i + raw.length) !== null
          ? `${raw}_object`
          : (forms?.get(raw) ?? stemWord(raw));
      // "turn on", "switch on": the particle is the meaning, not filler.
      const particle = PARTICLE_VERBS.get(raw)?.has(words[words.length - 1]?.raw ?? "") ?? false;
      // "session.clear", "token.refresh", "kubectl.kubernetes.io/restartedAt": an event or key name.
      const dotted =
        (folded[i - 1] === "." && /[\p{L}\p{N}]/u.test(folded[i - 2] ?? "")) || at(DOT_LETTER_AT, folded, i + raw.length) !== null;
      const identifier = folded[i - 1] === API_JOIN || folded[i + raw.length] === API_JOIN || dotted;
      const joined = !inFlag && folded[i - 1] === "-" && /[\p{L}\p{N}]/u.test(folded[i - 2] ?? "");
      words.push({
        raw,
        stem,
        clause,
        segment,
        sentence,
        filler: FILLER_WORDS.has(raw) && !particle,
        ...(identifier ? { identifier: true } : {}),
        ...(inPattern ? { pattern: true } : {}),
        ...(inFlag ? { flag: true } : {}),
        ...(joined ? { joined: true } : {}),
        ...(step !== undefined ? { step } : {}),
      });
      if (SEARCH_COMMANDS.has(raw)) inPattern = true;
      i += raw.length;
      continue;
    }
    if (/[\s=]/.test(folded[i] ?? "")) inFlag = false;
    const brk = at(CLAUSE_BREAK, folded, i);
    if (brk) {
      if (brk[0] === "|") inPattern = /[=~]/.test(folded[i + 1] ?? "");
      else if (/^[\n;]/.test(brk[0])) inPattern = false;
      const last = words[words.length - 1];
      if (last && last.clause === clause) clause++;
      if (last && last.segment === segment && !/^[()[\]{}]$/.test(brk[0])) segment++;
      if (brk[0] === "?") for (let k = words.length - 1; k >= 0 && words[k]?.sentence === sentence; k--) (words[k] as Word).question = true;
      if (last && last.sentence === sentence && /^[.!?;\n]/.test(brk[0])) sentence++;
      i += Math.max(1, brk[0].length);
      continue;
    }
    i++;
  }
  return words;
}
