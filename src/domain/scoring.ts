import { type CompiledLexicon, extendLexicon, phraseStems } from "./lexicon.js";
import { FILLER_WORDS, foldText, phraseWords, splitCamelCase, stemWord, toWords, type Word } from "./words.js";

// First-move scoring, v2. A rubric names the *core* of the first move (concepts that must all be
// present: each concept is a list of alternative terms), *supporting* concepts (nice to have) and
// *risky* actions (a first move that takes one is wrong). Terms match on stems, through the
// shared lexicon's synonyms, in order within a small window of words, and not where the answer
// negates or dismisses them ("no need to check the dashboard", "before restarting anything").
// Pure and fast: a rubric is compiled once per scenario, an answer scores in microseconds.

/** Rubric v2 as written in a scenario file (after the old must/must_not shape is converted). */
export interface RubricV2 {
  core: (string | string[])[];
  supporting?: (string | string[])[];
  risky?: string[];
  /** The runbook's next steps once the check confirms ("deactivate the key"): risky as a first
   * move, but not when the answer makes them depend on the check ("if it's active, deactivate it"). */
  after_check?: string[];
  /** Things a check can be about that are not this incident's ("redis connections" when the
   * concept is catalog-db's): a core term inside or right next to one does not count. */
  off_target?: string[];
  /** This scenario's own names for lexicon concepts ({provider: [paycore, northpay]}): they join
   * the group for this rubric only, so "provider + only" matches "only paycore". A name that is
   * no lexicon group makes a group of its own. */
  names?: Record<string, string[]>;
}

/** The old shape: every phrase group required, must_not phrases forbidden. */
export interface LegacyRubric {
  must: string[][];
  must_not?: string[];
}

export type RubricInput = RubricV2 | LegacyRubric | { core?: unknown; must?: unknown };

/** Up to this many content words may stand between two words of a core or supporting term
 * ("provider errors dash" for "provider dashboard")… */
export const TERM_GAP = 2;
/** …and of a risky action, whose verb and object often have more between them ("wipe every
 * session", "rotate the role's credentials", "kill all of the auth-api pods"). */
export const RISKY_GAP = 3;
/** Words of a lexicon phrase may have this many content words between them in an answer. */
export const PHRASE_GAP = 2;
/** A combination term ("provider + only") matches when all its parts stand within this many
 * content words, first word to last, in one sentence and in any order: "only paycore", "is it
 * just one psp?", "errors split by provider". */
export const COMBO_SPAN = 8;
/** How a combination term is written: its parts joined by " + ". */
export const COMBO_JOIN = /\s\+\s/;

/** A negation reaches this many words forward, within its clause. */
export const NEGATION_REACH = 7;

/** Negations of mixed-language answers ("nada de reiniciar", "sin revertir", "NO borrarlo", "ohne
 * Neustart"): the English ops word after them is not done either. Stems; none is an English word an
 * answer would use otherwise. */
const FOREIGN_NEGATORS = ["nada", "nunca", "sin", "sem", "nao", "nicht", "kein", "ohn", "jamai"];

/** Before a risky action these say it is not (yet) done: "don't restart", "before rolling back". */
const RISKY_NEGATORS = new Set([
  "not",
  "no",
  "never",
  "dont",
  "doesnt",
  "didnt",
  "shouldnt",
  "wont",
  "cant",
  "cannot",
  "noth",
  "nobodi",
  "without",
  "avoid",
  "skip",
  "ignor",
  "forget",
  "befor",
  "until",
  "nor",
  "neither",
  "hold",
  "decid",
  "consid",
  "whether",
  "wouldnt",
  "mustnt",
  "neednt",
  ...FOREIGN_NEGATORS,
]);
/** Before a core concept these dismiss it: "no need to check the dashboard", "skip the status page". */
const CORE_DISMISSERS = new Set([
  "dont",
  "doesnt",
  "didnt",
  "never",
  "not",
  "skip",
  "ignor",
  "forget",
  "without",
  "wont",
  "wouldnt",
  "shouldnt",
]);
/** Two-word negations (stems). */
const PAIR_NEGATORS: readonly [string, string][] = [
  ["no", "need"],
  ["no", "point"],
  ["no", "time"],
  ["no", "use"],
  ["no", "reason"],
  ["no", "way"],
  ["instead", "of"],
  ["rather", "than"],
  ["hand", "off"],
  ["hold", "off"],
  ["who", "care"],
];

export interface Unit {
  /** Matches a word with this stem… */
  stem?: string;
  /** …or a word starting with this (a term written with a trailing *)… */
  prefix?: string;
  /** …or any member of these lexicon groups. */
  groups?: string[];
  /** Written as a past participle ("deactivated in okta"): a state, so the stem matches only a
   * word in -ed, never the verb itself ("deactivate j.doe in okta" is an action). */
  participle?: boolean;
}

export interface CompiledTerm {
  text: string;
  units: Unit[];
  /** A combination ("provider + only"): every part, in any order, within COMBO_SPAN words of
   * one sentence. Its units are all the parts' units (for lint and vocabulary only). */
  parts?: CompiledTerm[];
  /** Its content words as written, with their stems (for reading typos). */
  words: readonly (readonly [string, string])[];
}

export interface CompiledConcept {
  /** Display name: the concept's first term. */
  name: string;
  terms: CompiledTerm[];
}

export interface CompiledRubric {
  core: CompiledConcept[];
  supporting: CompiledConcept[];
  risky: CompiledTerm[];
  /** Risky too, unless the answer makes them conditional on the check. */
  afterCheck: CompiledTerm[];
  /** Checks of the wrong thing: core terms inside or next to these do not count. */
  offTarget: CompiledTerm[];
  /** The shared lexicon's state-changing verbs (its STATE_CHANGE group: set, alter, attach…), risky
   * in every rubric where they read as the responder's move. */
  stateChanges: CompiledTerm[];
  /** The shared lexicon's non-production environments and production words: a core check in a
   * clause that names only the former is about the wrong environment. */
  environments: { other: CompiledTerm; production: CompiledTerm } | null;
  /** The scenario's own text (alert, injects, runbook), lower case, when known: a service, database,
   * role or user an answer names that it never mentions is not this incident's. */
  knownText: string | null;
  /** The scenario's focus, lower case, when known: the alert, the runbook's trigger and first checks,
   * the expected first move and the rubric. A system or namespace the scenario names only around
   * the incident (an impact, a later step, an inject) is not the one the first move is about. */
  focusText: string | null;
  lexicon: CompiledLexicon;
  /** True when the core itself is about telling people (a Communications role's first move):
   * then posting or paging is the move, not a hand-off. */
  communicates: boolean;
  /** Terms with no content words (only "the", "of"…): reported by lint, never matched. */
  emptyTerms: string[];
  /** Every word the rubric's terms use (with its stem), by first letter: typos are read as the
   * known word one slip away ("dashbaord" as "dashboard"); the lexicon's words count too. */
  vocabulary: Vocabulary;
  /** Terms of several words that match as one word once filler is dropped ("each password"
   * matches any "password"): lint warns, since the author probably meant something narrower. */
  shrunkTerms: string[];
}

export interface ConceptResult {
  concept: string;
  /** The answer's words that matched, or null. */
  matched: string | null;
  /** True when the concept was there but negated or dismissed ("no need to check the dashboard"). */
  negated?: boolean;
  /** The answer's words when the concept was there only about the wrong thing ("redis connections"). */
  offTarget?: string;
  /** The answer's words when the concept was there only as what happens if something else turns
   * out true ("if nobody exec'd, then quarantine"): the first move is the other thing. */
  deferred?: string;
}

/** The verdict on one first move (stored as JSON with the answer). */
export interface FirstMoveVerdict {
  version: 2;
  correct: boolean;
  needsReview: boolean;
  reviewReason?: string;
  core: ConceptResult[];
  supporting: ConceptResult[];
  /** The answer's words for each risky action it takes. */
  risky: string[];
  /** Next steps the answer takes only if the check confirms ("if active -> deactivate"). */
  conditional?: string[];
  /** The whole answer, when it names the core but all it says is "look into <it>" (wrong: it
   * names no check). */
  vague?: string;
  /** The whole answer, when it names the core but hands the move to someone else ("ask #payments
   * who owns the pod", "@identity-team can you look?"): wrong, nobody checks anything yet. */
  handOff?: string;
  /** Set when the scenario's precedents (answers people judged) overruled the rules' verdict. */
  precedent?: PrecedentRuling;
  /** One line: why correct or wrong. */
  reason: string;
}

/** Why the precedents overruled the rules: what the rules said and the closest judged answer. */
export interface PrecedentRuling {
  /** The verdict the rules gave before the precedents overruled them. */
  rulesSaid: boolean;
  /** The model's probability that the answer is acceptable, rounded to two places. */
  acceptability: number;
  /** The closest precedent judged the way the verdict now goes, and why it was judged so (when its file says). */
  closest: string;
  closestWhy?: string;
}

/** The v1 score stored by drills before rubric v2. */
export interface LegacyFirstMoveScore {
  correct: boolean;
  matched: (string | null)[];
  missingGroups: number[];
  forbidden: string[];
}

export type StoredScore = FirstMoveVerdict | LegacyFirstMoveScore;

const conceptTerms = (concept: string | string[]): string[] => (Array.isArray(concept) ? concept : [concept]);

/** Rubric v2 from either shape: must → core, must_not → risky. */
export function normaliseRubric(rubric: RubricInput): RubricV2 {
  if ("must" in rubric && Array.isArray(rubric.must)) {
    const legacy = rubric as LegacyRubric;
    return { core: legacy.must, supporting: [], risky: legacy.must_not ?? [], after_check: [], off_target: [] };
  }
  const v2 = rubric as RubricV2;
  return {
    ...(v2.names ? { names: v2.names } : {}),
    core: v2.core ?? [],
    supporting: v2.supporting ?? [],
    risky: v2.risky ?? [],
    after_check: v2.after_check ?? [],
    off_target: v2.off_target ?? [],
  };
}

/** Words written "=word" in a term match only themselves, not their lexicon group ("=check runs"). */
const LITERAL = /(?:^|\s)=([\p{L}\p{N}_]+)/gu;

/** Compiled terms per lexicon: catalogs repeat terms ("restart", "roll back") across scenarios. */
const termCache = new WeakMap<CompiledLexicon, Map<string, CompiledTerm>>();

function compileTerm(text: string, lexicon: CompiledLexicon): CompiledTerm {
  // A term that touches none of a rubric's own names compiles (and caches) as in the shared lexicon.
  if (lexicon.base && lexicon.addedFirstStems && !touches(text, lexicon.addedFirstStems, lexicon.forms))
    return compileTerm(text, lexicon.base);
  let cache = termCache.get(lexicon);
  if (!cache) {
    cache = new Map();
    termCache.set(lexicon, cache);
  }
  const cached = cache.get(text);
  if (cached) return cached;
  const compiled = compileTermUncached(text, lexicon);
  cache.set(text, compiled);
  return compiled;
}

/** A term's words as written (lower case, camelCase split), by term: catalogs repeat terms. */
const termWordsCache = new Map<string, string[]>();

/** True when any word of the text, as the scorer would stem it, is one of these stems. */
function touches(text: string, stems: ReadonlySet<string>, forms: ReadonlyMap<string, string>): boolean {
  let words = termWordsCache.get(text);
  if (!words) {
    words = foldText(splitCamelCase(text))
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean);
    if (termWordsCache.size > 20_000) termWordsCache.clear();
    termWordsCache.set(text, words);
  }
  return words.some((raw) => stems.has(forms.get(raw) ?? stemWord(raw)));
}

function compileTermUncached(text: string, lexicon: CompiledLexicon): CompiledTerm {
  if (COMBO_JOIN.test(text)) {
    const parts = text.split(COMBO_JOIN).map((part) => compileTerm(part.trim(), lexicon));
    // A part that can never match makes the whole term unmatchable (lint reports it as empty).
    if (parts.some((p) => p.units.length === 0)) return { text, units: [], words: [] };
    return { text, units: parts.flatMap((p) => p.units), parts, words: parts.flatMap((p) => p.words) };
  }
  const words = phraseWords(text, lexicon.forms);
  const stems = words.map((w) => w.stem);
  const literal = new Set([...text.toLowerCase().matchAll(LITERAL)].map((m) => m[1]));
  const units: Unit[] = [];
  let i = 0;
  while (i < words.length) {
    const word = words[i] as Word;
    if (text.includes(`${word.raw}*`)) {
      units.push({ prefix: word.raw });
      i++;
      continue;
    }
    if (literal.has(word.raw)) {
      units.push({ stem: word.stem });
      i++;
      continue;
    }
    // The longest lexicon phrase starting here makes one unit that matches its whole group.
    let best: { length: number; groups: string[] } | null = null;
    for (const phrase of lexicon.phrasesByFirst.get(word.stem) ?? []) {
      // The state-changing verbs are a list, not synonyms: a rubric's own "truncate" is truncate,
      // not every verb of the list ("while you get set up" is no truncate).
      if (phrase.group === STATE_CHANGE && text !== STATE_CHANGE) continue;
      const fits = phrase.stems.every((s, k) => stems[i + k] === s);
      if (!fits) continue;
      if (best === null || phrase.stems.length > best.length) best = { length: phrase.stems.length, groups: [phrase.group] };
      else if (phrase.stems.length === best.length && !best.groups.includes(phrase.group)) best.groups.push(phrase.group);
    }
    const participle = PARTICIPLE.test(word.raw) && word.stem !== word.raw ? { participle: true } : {};
    if (best) {
      units.push({ groups: best.groups, ...(best.length === 1 ? { stem: word.stem, ...participle } : {}) });
      i += best.length;
    } else {
      units.push({ stem: word.stem, ...participle });
      i++;
    }
  }
  return { text, units, words: words.map((w) => [w.raw, w.stem] as const) };
}

/** Once per scenario: every term to stems and lexicon groups. */
export function compileRubric(
  rubric: RubricInput,
  sharedLexicon: CompiledLexicon,
  context: { knownText?: string; focusText?: string } = {},
): CompiledRubric {
  const v2 = normaliseRubric(rubric);
  const lexicon = v2.names && Object.keys(v2.names).length > 0 ? extendLexicon(sharedLexicon, v2.names) : sharedLexicon;
  const emptyTerms: string[] = [];
  const shrunkTerms: string[] = [];
  const term = (text: string) => {
    const compiled = compileTerm(text, lexicon);
    if (compiled.units.length === 0) emptyTerms.push(text);
    const written = text
      .trim()
      .split(/[\s-]+/)
      .filter(Boolean).length;
    if (!compiled.parts && compiled.units.length === 1 && written > 1 && phraseStems(text, lexicon.forms).length === 1)
      shrunkTerms.push(text);
    return compiled;
  };
  const concept = (c: string | string[]): CompiledConcept => {
    const terms = conceptTerms(c);
    return { name: terms[0] ?? "", terms: terms.map(term).filter((t) => t.units.length > 0) };
  };
  // A name that shrinks to one word ("runs on" → run) joins every use of that word to the group.
  for (const members of Object.values(v2.names ?? {}))
    for (const m of members) if (m.trim().split(/[\s-]+/).length > 1 && phraseStems(m, lexicon.forms).length === 1) shrunkTerms.push(m);
  const core = v2.core.map(concept);
  const supporting = (v2.supporting ?? []).map(concept);
  const risky = (v2.risky ?? []).map(term).filter((t) => t.units.length > 0);
  const afterCheck = (v2.after_check ?? []).map(term).filter((t) => t.units.length > 0);
  const offTarget = (v2.off_target ?? []).map(term).filter((t) => t.units.length > 0);
  const vocabulary = vocabularyOf(
    [...core, ...supporting]
      .flatMap((c) => c.terms)
      .concat(risky, afterCheck, offTarget)
      .flatMap((t) => t.words)
      .concat(lexicon.addedWords ?? []),
  );
  const communicates = core.some((c) => c.terms.some((t) => t.words.some(([raw]) => COMMS_WORDS.has(raw))));
  const stateChanges = lexicon.groups.has(STATE_CHANGE) ? [compileTerm(STATE_CHANGE, lexicon)].filter((t) => t.units.length > 0) : [];
  const environments =
    lexicon.groups.has(NON_PRODUCTION) && lexicon.groups.has(PRODUCTION)
      ? { other: compileTerm(NON_PRODUCTION, lexicon), production: compileTerm(PRODUCTION, lexicon) }
      : null;
  const knownText = context.knownText?.toLowerCase() ?? null;
  const focusText = context.focusText?.toLowerCase() ?? knownText;
  return {
    core,
    supporting,
    risky,
    afterCheck,
    offTarget,
    stateChanges,
    environments,
    knownText,
    focusText,
    communicates,
    lexicon,
    emptyTerms,
    shrunkTerms,
    vocabulary,
  };
}

/** The lexicon group of verbs that change a system's state (set, alter, attach, import…): risky in
 * every rubric, so a right check followed by "Setting max_attempts 3" is wrong without each rubric
 * listing every such verb. */
export const STATE_CHANGE = "change state";

/** Lexicon groups of environments: a check on staging is not a check of the incident. */
export const NON_PRODUCTION = "non-production";
export const PRODUCTION = "production";

/** Occurrences of non-production environments in clauses that name no production word: a core
 * term anywhere in such a clause is about the wrong environment ("checking the cert on staging with
 * openssl"); "compare prod with staging" still checks prod. */
function otherEnvironments(rubric: CompiledRubric, x: Indexed): Occurrence[] {
  if (!rubric.environments) return [];
  const other = occurrences(rubric.environments.other, x, TERM_GAP);
  if (other.length === 0) return [];
  const production = new Set(occurrences(rubric.environments.production, x, TERM_GAP).map((o) => x.clauses[o.start]));
  return other.filter((o) => !production.has(x.clauses[o.start]));
}

/** A system's name as people write it: words joined by "-" or "_" ending in what it is
 * (billing-api, customer-portal, catalog-db, app_ro, storefront-web). */
const SYSTEM_NAME = /(?<![\p{L}\p{N}./_-])([a-z][a-z0-9]*(?:[-_][a-z0-9]+)+)(?![\p{L}\p{N}_-])/gu;
const SYSTEM_KINDS = /[-_](?:api|db|database|portal|role|service|svc|app|web|worker|gateway|user|ro|rw)$/;

/** Where the answer names a service, database, role or user (by the naming above) that the
 * scenario's alert, injects and runbook never mention: a core check in that clause is about some
 * other system ("the sessions table in the customer-portal DB" when the app is billing-admin). */
function strangerSystems(rubric: CompiledRubric, answer: string, x: Indexed): Occurrence[] {
  const known = rubric.knownText;
  if (known === null) return [];
  const found: Occurrence[] = [];
  const text = answer.toLowerCase();
  for (const m of text.matchAll(SYSTEM_NAME)) {
    const name = m[1] ?? "";
    // "the ci-publish role's AssumeRole activity": what it is may follow as a word of its own.
    // "someone with the security-audit role", "using my ops-admin role": who looks, not what is looked at.
    const held = HELD_BEFORE.test(text.slice(0, m.index ?? 0));
    const kindWord = held ? undefined : KIND_AFTER.exec(text.slice((m.index ?? 0) + name.length))?.[1];
    const kind = SYSTEM_KINDS.exec(name)?.[0] ?? (kindWord !== undefined ? `-${KIND_WORDS[kindWord] ?? kindWord}` : undefined);
    if (kind === undefined || (known.includes(name) && !aroundTheIncident(rubric, name, kind))) continue;
    const parts = name.split(/[-_]/);
    for (let p = 0; p < x.content.length; p++) {
      const fits = parts.every((part, k) => {
        const raw = x.words[x.content[p + k] ?? -1]?.raw;
        // "app_ro's" is typed "app ros" once the apostrophe goes.
        return raw === part || (k === parts.length - 1 && raw === `${part}s`);
      });
      if (fits) found.push({ start: p, end: p + parts.length - 1 });
    }
  }
  return found;
}

/** A kind of system written as a word after a hyphenated name: "ci-publish role", "billing-admin app". */
const KIND_AFTER = /^(?:'s)?\s+(role|user|service|database|db|api|app|application)\b/u;
const KIND_WORDS: Record<string, string> = { database: "db", application: "app" };
/** Before a name, words that make it the responder's own access: "with the security-audit role". */
const HELD_BEFORE = /\b(?:with|using|via|as|assume|assuming)\s+(?:(?:the|my|our|an?|own)\s+)*$/u;

/** True when the scenario names this system only around the incident (an impact, an inject, a later
 * step), while its focus names another system of the same kind: "checkout-api" beside the alert's
 * "catalog-api" is the service the incident spills into, not the one to check first. */
function aroundTheIncident(rubric: CompiledRubric, name: string, kind: string): boolean {
  const focus = rubric.focusText;
  if (focus === null || focus === rubric.knownText || focus.includes(name)) return false;
  return focusKinds(rubric).has(kind);
}

/** A fact about a rubric's scenario (its text, its focus, its terms), worked out on first use and
 * kept with the rubric, so it is not worked out again for every answer scored. */
function oncePerRubric<T>(compute: (rubric: CompiledRubric) => T): (rubric: CompiledRubric) => T {
  const cache = new WeakMap<CompiledRubric, T>();
  return (rubric) => {
    if (cache.has(rubric)) return cache.get(rubric) as T;
    const value = compute(rubric);
    cache.set(rubric, value);
    return value;
  };
}

/** The kinds of system (-api, -db, -role…) the scenario's focus names, found once per rubric. */
const focusKinds = oncePerRubric((rubric): Set<string> => {
  const kinds = new Set<string>();
  for (const m of (rubric.focusText ?? "").matchAll(SYSTEM_NAME)) {
    const kind = SYSTEM_KINDS.exec(m[1] ?? "")?.[0];
    if (kind !== undefined) kinds.add(kind);
  }
  return kinds;
});

/** A metric as an alert's expression uses it: snake_case words before a selector, range or call
 * (probe_ssl_earliest_cert_expiry{…}, nginx_ingress_controller_requests[5m]). */
const METRIC_IN_EXPRESSION = /(?<![\p{L}\p{N}_])([a-z][a-z0-9]*(?:_[a-z0-9]+){2,})\s*[{[(]/gu;

/** The metrics of the scenario's focus (the alert's own expression), as words, except those a
 * rubric term names itself (payment-5xx splits its alert's metric by provider): found once per rubric. */
const alertMetrics = oncePerRubric((rubric): string[][] => {
  const named = new Set(
    [...rubric.core, ...rubric.supporting]
      .flatMap((c) => c.terms)
      .flatMap((t) => t.text.toLowerCase().match(/[a-z0-9]+(?:_[a-z0-9]+)+/g) ?? []),
  );
  const found = new Set([...(rubric.focusText ?? "").matchAll(METRIC_IN_EXPRESSION)].map((m) => m[1] ?? ""));
  return [...found].filter((m) => !named.has(m)).map((m) => m.split("_"));
});

/** Where the answer quotes the alert's own metric: it reads again what fired ("the trend of
 * probe_ssl_earliest_cert_expiry" when that probe raised the alert), so a core term inside it
 * checks nothing new. */
function alertMetricsIn(rubric: CompiledRubric, x: Indexed): Occurrence[] {
  const metrics = alertMetrics(rubric);
  return metrics.length === 0 ? [] : metrics.flatMap((parts) => spelledAt(parts, x).map((o) => ({ ...o, inside: true })));
}

/** The consecutive content positions whose words spell `parts` ("api", "example", "com"). */
function spelledAt(parts: readonly string[], x: Indexed): Occurrence[] {
  const found: Occurrence[] = [];
  for (let p = 0; p < x.content.length; p++) {
    const fits = parts.every((part, k) => x.words[x.content[p + k] ?? -1]?.raw === part);
    if (fits) found.push({ start: p, end: p + parts.length - 1 });
  }
  return found;
}

/** Names of one shape as people type them, each compared with the names of that same shape in the
 * scenario's own text: a host (shop.example.com), a secret or repository path (prod/checkout/app_rw),
 * a pod with its generated suffix (storefront-web-7d9f8c6b5-x2klp), a namespace given to -n, and a
 * query filter's value (AttributeValue=…). */
const HOST_NAME = /(?<![\p{L}\p{N}._/@-])((?:[a-z0-9-]+\.)+(?:com|net|org|io|dev|internal|local|example))(?![\p{L}\p{N}_-])/gu;
const SLASH_PATH = /(?<![\p{L}\p{N}._/:-])([a-z][a-z0-9_-]*\/[a-z0-9_-]+\/[a-z0-9_-]+)(?![\p{L}\p{N}_/-])/gu;
const POD_NAME = /(?<![\p{L}\p{N}_-])([a-z][a-z0-9-]*-[a-z0-9]{8,10}-[a-z0-9]{5})(?![\p{L}\p{N}_-])/gu;
/** A filter value that is a host name (a.b.com, x.rds.amazonaws.com). */
const HOST_VALUE = /^(?:[a-z0-9-]+\.)+(?:com|net|org|io|dev|internal|local|example)$/;
/** A person's address (j.doe@example.com): the user an identity check is about. */
const EMAIL = /(?<![\p{L}\p{N}._%+-])([a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?![\p{L}\p{N}_-])/gu;
/** A character each name shape cannot do without: text lacking it has no such name, and the
 * expression is not run over it (tried at every position, the address shape alone cost a tenth of
 * `drillbot lint`). */
const SHAPE_NEEDS = new Map<RegExp, string>([
  [HOST_NAME, "."],
  [SLASH_PATH, "/"],
  [POD_NAME, "-"],
  [EMAIL, "@"],
]);
/** The names of one shape in the text. */
function namesShaped(text: string, shape: RegExp): IterableIterator<RegExpMatchArray> | readonly RegExpMatchArray[] {
  const needs = SHAPE_NEEDS.get(shape);
  return needs !== undefined && !text.includes(needs) ? [] : text.matchAll(shape);
}
/** An HTTP API route (/api/v1/login, /v2/orders): its resource is the first segment after the version. */
const API_ROUTE = /(?<![\p{L}\p{N}._:/-])\/((?:api\/)?v\d+\/([a-z0-9_-]+))(?![\p{L}\p{N}_-])/gu;
/** A release's version (v2.41.0): the one the alert is about, or another release. */
const VERSION = /(?<![\p{L}\p{N}._-])(v\d+\.\d+(?:\.\d+)?)(?![\p{L}\p{N}_-])/gu;
const NAMESPACE_FLAG = /(?:^|\s)(?:-n|--namespace)[\s=]+([a-z0-9][a-z0-9-]*)/gu;
/** The cluster a command runs against: kubectl's --context, --cluster of eksctl, aws eks, gcloud. */
const CLUSTER_FLAG = /(?:^|\s)--(?:context|cluster|kube-context)[\s=]+([a-z0-9][a-z0-9._-]*)/gu;
/** Whether a scenario's text names a namespace or a cluster at all (then another one is another object). */
const SCENARIO_NAMESPACE = /\bnamespaces?\b|(?:^|\s)(?:-n|--namespace)[\s=]+[a-z0-9]|\bns[=:]\s*["']?[a-z0-9]/u;
const SCENARIO_CLUSTER =
  /--(?:context|cluster|kube-context)[\s=]|\bcluster(?:_name)?\s*[=:]?\s*[`"']?[a-z0-9]*[-\d][a-z0-9-]*|[a-z0-9]*[-\d][a-z0-9-]*[`"']?\s+cluster\b/u;
/** What the scenario says of namespaces and clusters. A scenario that names none at all (an
 * imported node or etcd alert) gives nothing to compare with: the responder's namespace or
 * cluster is theirs to know. A namespace is compared with the focus only where the focus names
 * one itself, otherwise with the whole text (etcd's own pods are in kube-system, which its runbook
 * names only in a later step). */
const namespacesAndClusters = oncePerRubric((rubric) => {
  const known = rubric.knownText ?? "";
  const focus = rubric.focusText ?? known;
  const namespaces = SCENARIO_NAMESPACE.test(focus) ? focus : known;
  return {
    namesNamespaces: SCENARIO_NAMESPACE.test(known),
    namespaces,
    namedNamespaces: namespaceNames(namespaces.toLowerCase()),
    everyNamedNamespace: namespaceNames(known.toLowerCase()),
    namesClusters: SCENARIO_CLUSTER.test(known),
  };
});

/** A namespace given as a label or field: `k8s_ns=storefront`, `namespace: data`, `ns=payments`. */
const NAMESPACE_FIELD =
  /(?<![\p{L}\p{N}])(?:namespace|ns|k8s_ns|kubernetes_namespace|k8s\.namespace\.name)\s*[=:]\s*["'`]?([a-z0-9][a-z0-9-]*)/gu;

/** The namespaces a text names as namespaces (`-n data`, "the payments namespace", `ns=data`). */
function namespaceNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(NAMESPACE_FLAG)) names.add(m[1] ?? "");
  for (const m of text.matchAll(NAMESPACE_IN_WORDS)) {
    const name = m[1] ?? m[2] ?? m[3] ?? "";
    if (!NAMESPACE_DESCRIBERS.has(name)) names.add(name);
  }
  for (const m of text.matchAll(NAMESPACE_FIELD)) names.add(m[1] ?? "");
  names.delete("");
  return names;
}

/** Whether `name` is one of the scenario's namespaces: one its focus names as a namespace, or one
 * its text names as a namespace anywhere that the focus also mentions ("-n cert-manager" in a
 * later step, cert-manager in the alert). A scenario that never writes a namespace as one ("-n x",
 * "the x namespace", `ns=x`) is compared word by word. A word of the text is no namespace where
 * the text names its namespaces: "batch" is none when the runbook runs everything with `-n data`. */
function ownNamespace(rubric: CompiledRubric, name: string): boolean {
  const { namespaces, namedNamespaces, everyNamedNamespace } = namespacesAndClusters(rubric);
  if (namedNamespaces.has(name)) return true;
  const mentioned = standsAlone(namespaces, name, true);
  if (everyNamedNamespace.size === 0) return mentioned;
  // A tool the scenario uses runs in its own namespace by convention ("-n argocd get application"
  // where the runbook says `argocd app get`): checking the tool there is part of the incident.
  return (everyNamedNamespace.has(name) || TOOL_NAMESPACES.has(name)) && mentioned;
}

/** Namespaces the usual installs of cluster tools run in, named after the tool. */
const TOOL_NAMESPACES = new Set([
  "argocd",
  "cert-manager",
  "kyverno",
  "ingress-nginx",
  "monitoring",
  "falco",
  "vault",
  "external-secrets",
  "gatekeeper-system",
  "istio-system",
  "flux-system",
  "linkerd",
]);
/** "in the payroll app", "on the ledger db": a system named by one word before what it is. */
const NAMED_SYSTEM = /\b(?:in|on|of|for) (?:the|our) ([a-z][a-z0-9]+) (?:app|application|db|database|service)\b/gu;
const FILTER_VALUE = /(?<![\p{L}\p{N}_])([a-z_]+)=([a-z0-9][a-z0-9_.-]*)/gu;
/** Tools whose -n is a namespace. */
const KUBERNETES_TOOL = /(?<![\p{L}\p{N}_-])(?:kubectl|helm|oc|k9s|kubens|k)(?![\p{L}\p{N}_-])/u;
/** A Kubernetes read typed without its tool ("get pods -n kube-system"): its -n is a namespace too. */
/** The scenario's hyphenated names, as their parts (found once per rubric). */
const knownNames = oncePerRubric((rubric): string[][] =>
  [...(rubric.knownText ?? "").matchAll(/[a-z][a-z0-9]*(?:-[a-z0-9]+)+/g)].map((m) => m[0].split("-")),
);

/** A named object a Kubernetes tool reads: "kubectl get clusterpolicy disallow-host-path". */
const KUBERNETES_OBJECT =
  /(?<![\p{L}\p{N}_-])(?:kubectl|k|oc)\s+(?:get|describe)\s+(?!the\b|a\b|an\b)[a-z][a-z.]*\s+([a-z][a-z0-9]*(?:-[a-z0-9]+)+)(?![\p{L}\p{N}_.-])/gu;
/** A namespace named in words: "in the default namespace", "namespace kube-system", and
 * Kubernetes' own namespaces by their names alone ("the kube-system pods"). */
const NAMESPACE_IN_WORDS =
  /\b(?:in|from|on|under|of|across) (?:the )?([a-z0-9][a-z0-9-]*) (?:namespace|ns)\b|\bnamespace ([a-z0-9][a-z0-9-]*-[a-z0-9-]+|kube-system|default)\b|(?<![\p{L}\p{N}_-])(kube-system|kube-public|kube-node-lease)(?![\p{L}\p{N}_-])/gu;
/** Words before "namespace" that describe it rather than name it ("the same namespace"). */
const NAMESPACE_DESCRIBERS = new Set([
  "same",
  "the",
  "an",
  "my",
  "your",
  "own",
  "right",
  "wrong",
  "affected",
  "incident",
  "whole",
  "that",
  "this",
  "its",
  "their",
  "our",
  "app",
  "target",
  "pod",
  "pods",
  "every",
  "each",
  "any",
  "other",
  "a",
  "one",
  "which",
  "what",
  "own",
  "his",
  "her",
  "k8s",
  "kubernetes",
]);
const KUBERNETES_READ =
  /(?<![\p{L}\p{N}_-])(?:get|describe|logs)\s+(?:pods?|po|deploy(?:ment)?s?|svc|services?|jobs?|cronjobs?|cj|rs|replicasets?|events|ingress(?:es)?|secrets?|certificates?|clusterpolic(?:y|ies)|polic(?:y|ies))(?![\p{L}\p{N}_-])/u;
/** A system named by one word before what it is, after any article: how a scenario names its own. */
const NAMED_SYSTEM_ANY = /\b([a-z][a-z0-9-]+) (?:app|application|db|database|service)\b/gu;
/** Words that describe a system rather than name one: "the primary db", "the affected service". */
const SYSTEM_DESCRIBERS = new Set([
  "the",
  "a",
  "an",
  "our",
  "this",
  "that",
  "its",
  "their",
  "your",
  "same",
  "other",
  "whole",
  "entire",
  "primary",
  "main",
  "replica",
  "read",
  "affected",
  "failing",
  "broken",
  "new",
  "old",
  "current",
  "live",
  "prod",
  "production",
  "backend",
  "frontend",
  "web",
  "mobile",
  "public",
  "internal",
  "upstream",
  "downstream",
  "slack",
  "each",
  "every",
  "one",
  "which",
  "what",
]);

/** The name shapes (host, path, pod, address) the scenario's text has, found once per rubric. */
const knownShapes = oncePerRubric((rubric): RegExp[] =>
  [HOST_NAME, SLASH_PATH, POD_NAME, EMAIL].filter((shape) => {
    shape.lastIndex = 0;
    const found = shape.test(rubric.knownText ?? "");
    shape.lastIndex = 0;
    return found;
  }),
);

interface OwnNames {
  /** The resources of the API routes the scenario's text names (login for /api/v1/login). */
  routes: Set<string>;
  /** The release versions its focus names (v2.41.0), lower case. */
  versions: string[];
}
/** The API routes the scenario names and the versions its focus names, found once per rubric. */
const ownNames = oncePerRubric((rubric): OwnNames => {
  const known = rubric.knownText ?? "";
  return {
    routes: new Set([...known.matchAll(API_ROUTE)].map((m) => m[2] ?? "")),
    versions: [...(rubric.focusText ?? known).matchAll(VERSION)].map((m) => m[1] ?? ""),
  };
});

/** Whether the scenario's text names a system of its own by one word ("the billing-admin app"),
 * found once per rubric like its name shapes, not again for every answer. */
const namesOwnSystems = oncePerRubric((rubric): boolean =>
  [...(rubric.knownText ?? "").toLowerCase().matchAll(NAMED_SYSTEM_ANY)].some((m) => !SYSTEM_DESCRIBERS.has(m[1] ?? "")),
);

/** The scenario's text and its focus without quotes and escapes, so `mode="audit"` reads as mode=audit. */
const unquoted = oncePerRubric((rubric): { known: string; focus: string } => {
  const strip = (text: string) => text.replace(/[\\"'`]/g, "");
  const known = rubric.knownText ?? "";
  return { known: strip(known), focus: strip(rubric.focusText ?? known) };
});

/** The pods and people (by address) the scenario names, found once per rubric. */
const ownPodsAndPeople = oncePerRubric((rubric) => {
  const known = (rubric.knownText ?? "").toLowerCase();
  return [POD_NAME, EMAIL].map((shape) => ({ shape, names: [...known.matchAll(shape)].map((m) => m[1] ?? "") }));
});

/** Words a little before an address that make it someone told, not the user checked: "cc
 * secops@…", "looping in sre-lead@…", "email her manager (p.smith@…)". */
const TOLD_BEFORE =
  /(?:^|[^\p{L}\p{N}])(?:cc|bcc|ping|pinged|pinging|e-?mail|emailed|emailing|mail|page|paged|paging|notify|notifying|dm|message|contact|contacting|tell|ask|loop in|looping in|escalate|escalating)(?![\p{L}\p{N}])[^.;!?]*$/u;

/** The pods and people (by address) the answer names that the scenario never mentions, when it
 * never names the incident's own one either, even by its suffix ("x2klp") or its user name
 * ("j.doe"): then every check from the first of them on is of the other one, also where a later
 * sentence says "it" ("Can someone quarantine storefront-web-…-a8m2q? label it quarantine=true").
 * A check before it ("isolate the pod…; also see if storefront-web-…-p9rtz has a shell too") is
 * not, and nor is an address the answer writes to ("cc secops@example.com"). */
function strangersOnly(rubric: CompiledRubric, answer: string): string[] {
  const text = answer.toLowerCase();
  for (const { shape, names } of ownPodsAndPeople(rubric)) {
    if (names.length === 0) continue;
    const strangers = [...namesShaped(text, shape)]
      .filter(
        (m) =>
          shape !== EMAIL || !(text[(m.index ?? 0) - 1] === "@" || TOLD_BEFORE.test(text.slice(Math.max(0, (m.index ?? 0) - 30), m.index))),
      )
      .map((m) => m[1] ?? "")
      .filter((name) => !names.includes(name));
    if (strangers.length === 0) continue;
    const handles = names.flatMap((name) => [name, shape === EMAIL ? (name.split("@")[0] ?? name) : (name.split("-").at(-1) ?? name)]);
    if (!handles.some((handle) => text.includes(handle))) return strangers;
  }
  return [];
}

const ENDS_IN_WORD = /[\p{L}\p{N}]$/u;
const STARTS_IN_WORD = /^[\p{L}\p{N}]/u;
const ENDS_IN_NAME = /[\p{L}\p{N}_-]$/u;
const STARTS_IN_NAME = /^[\p{L}\p{N}_-]/u;

/** True when `name` stands in `text` as a whole word: no letter or digit (with `joiners`, nor "_"
 * or "-") right before or after it. (A regular expression built per name cost a tenth of scoring.) */
function standsAlone(text: string, name: string, joiners: boolean): boolean {
  if (name.length === 0) return false;
  const before = joiners ? ENDS_IN_NAME : ENDS_IN_WORD;
  const after = joiners ? STARTS_IN_NAME : STARTS_IN_WORD;
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    // Two code units each side: a letter outside the BMP is a surrogate pair.
    const end = at + name.length;
    if (!before.test(text.slice(Math.max(0, at - 2), at)) && !after.test(text.slice(end, end + 2))) return true;
  }
  return false;
}

/** Where the answer names a host, path, pod, namespace, one-word system ("in the payroll app") or
 * filter value the scenario never mentions
 * although its own text has names of that shape (or, for a filter, that filter with another value):
 * the check in that clause is of another object ("cert expiry on api.example.com" when the alert is
 * about shop.example.com, "-n default" when the pod is in payments). */
function strangerNames(rubric: CompiledRubric, answer: string, x: Indexed): Occurrence[] {
  const known = rubric.knownText;
  if (known === null) return [];
  const text = answer.toLowerCase();
  const strangers: string[] = [];
  for (const shape of knownShapes(rubric)) {
    for (const m of namesShaped(text, shape)) {
      const name = m[1] ?? "";
      // A path is of the same kind when the scenario has one under the same top folder ("prod/…"),
      // not any a/b/c ("certificate/order/challenge" lists objects).
      const sameKind = shape !== SLASH_PATH || known.includes(`${name.split("/")[0]}/`);
      if (sameKind && !known.includes(name)) strangers.push(name);
    }
  }
  // Another endpoint of the same API ("/api/v1/search" when the alert is about /api/v1/login), and
  // another release than the one the alert and the runbook's first checks name ("the v2.40.3
  // digest" when v2.41.0 is blocked; a later step may name the previous one to roll back to).
  // An answer that also names the incident's own route or release compares the two ("v2.41.0 vs
  // v2.40.3"): that checks the incident's one too.
  const own = ownNames(rubric);
  if (own.routes.size > 0) {
    const routes = [...text.matchAll(API_ROUTE)];
    if (!routes.some((m) => own.routes.has(m[2] ?? ""))) for (const m of routes) strangers.push(m[1] ?? "");
  }
  if (own.versions.length > 0) {
    const isOwn = (version: string) => own.versions.some((v) => v.startsWith(version) || version.startsWith(v));
    const versions = [...text.matchAll(VERSION)].map((m) => m[1] ?? "");
    if (!versions.some(isOwn)) strangers.push(...versions);
  }
  // A one-word system is known when the scenario has the word anywhere, also inside a name
  // ("storefront" in storefront-web).
  // Only where the scenario itself names its systems so ("the billing-admin app"): a short team
  // runbook that never does gives nothing to compare with.
  for (const m of namesOwnSystems(rubric) ? text.matchAll(NAMED_SYSTEM) : []) {
    const name = m[1] ?? "";
    if (SYSTEM_DESCRIBERS.has(name)) continue;
    if (!standsAlone(known, name, false)) strangers.push(name);
  }
  // -n is a namespace only for a Kubernetes tool ("tail -n 50", "grep -n" are counts and options).
  const kubernetes = KUBERNETES_TOOL.test(text) || KUBERNETES_READ.test(text);
  // The namespace is the incident's when the scenario's focus (the alert, the runbook's first
  // checks) names it: "kube-system", which a runbook mentions for other privileged pods, is not.
  const { namesNamespaces, namesClusters } = namespacesAndClusters(rubric);
  for (const m of text.matchAll(NAMESPACE_FLAG)) {
    const name = m[1] ?? "";
    if (!kubernetes || !namesNamespaces || /^\d+$/.test(name)) continue;
    if (!ownNamespace(rubric, name)) strangers.push(name);
  }
  // "--context prod-us-1" when the alert's cluster is prod-eu-1: the same read on another cluster.
  // Compared with the whole scenario text, like a host.
  for (const m of text.matchAll(CLUSTER_FLAG)) {
    const name = m[1] ?? "";
    if (!namesClusters) continue;
    if (!standsAlone(known, name, true)) strangers.push(name);
  }
  // "kubectl get clusterpolicy disallow-host-path": the object a Kubernetes read names, when the
  // scenario never mentions it, is another one (the alert's is disallow-privileged-containers).
  // A shortened name ("shop-tls" for shop-example-tls) is the same object: every part of it is a
  // part of one name the scenario uses.
  for (const m of text.matchAll(KUBERNETES_OBJECT)) {
    const name = m[1] ?? "";
    if (known.includes(name)) continue;
    // "ip-10-0-7-186" is the node of the alert's instance 10.0.7.186 (EC2's node names).
    const ip = /^ip-(\d+)-(\d+)-(\d+)-(\d+)$/.exec(name);
    if (ip && known.includes(ip.slice(1).join("."))) continue;
    const parts = name.split("-");
    if (!knownNames(rubric).some((own) => parts.every((p) => own.includes(p)))) strangers.push(name);
  }
  // "the pod in the default namespace", "namespace kube-system": a namespace in words is one too.
  for (const m of text.matchAll(NAMESPACE_IN_WORDS)) {
    const name = m[1] ?? m[2] ?? m[3] ?? "";
    if (!namesNamespaces || NAMESPACE_DESCRIBERS.has(name) || /^\d+$/.test(name)) continue;
    if (!ownNamespace(rubric, name)) strangers.push(name);
  }
  // Hosts, paths, pods, namespaces and systems name the object a command works on; a filter value below
  // does not (a later stage's "span=1m" says nothing of what "index=auth" searches).
  const objects = strangers.length;
  if (FILTER_VALUE.test(text)) {
    FILTER_VALUE.lastIndex = 0;
    // The value the alert and the runbook's first checks give the filter: a later step's query
    // (event=token.verify_failed in a runbook's diagnosis) looks for something else.
    const texts = unquoted(rubric);
    for (const m of text.matchAll(FILTER_VALUE)) {
      const [, key = ""] = m;
      // A full stop after the value ends the sentence: "for dt=2024-11-11." filters on dt=2024-11-11.
      const value = (m[2] ?? "").replace(/[.-]+$/, "");
      // An option's value ("--tail=100", "--since=10m") or a count or duration is how much to read,
      // not which object: only a filter's named value can point elsewhere.
      if (text[(m.index ?? 0) - 1] === "-" || /^\d+[smhdw]?$/.test(value)) continue;
      // A value the scenario gives to any filter or field is its own ("=akia…", "mode":"audit").
      // A host (host=checkout-prod.cluster-….rds.amazonaws.com) is compared like any host, with the
      // whole text: a later section may spell out the incident's own database host.
      const plain = HOST_VALUE.test(value) ? texts.known : texts.focus;
      if (texts.focus.includes(`${key}=`) && !plain.includes(`=${value}`) && !plain.includes(`:${value}`)) strangers.push(value);
    }
  }
  // Filler inside a name ("us" in prod-us-1) is not among the answer's content words either.
  const at = (name: string) =>
    spelledAt(
      name.split(/[^\p{L}\p{N}]+/u).filter((part) => part !== "" && !FILLER_WORDS.has(part)),
      x,
    );
  const found = strangers.flatMap(at);
  if (!SHELL_PIPE.test(answer)) return found;
  return [
    ...found,
    ...strangers
      .slice(0, objects)
      .flatMap(at)
      .flatMap((o) => pipelineOf(o, x)),
    // A search's filter ("index=auth event=login | stats count by user") decides what every later
    // stage counts; a later stage's filter says nothing of the search before it.
    ...strangers
      .slice(objects)
      .flatMap(at)
      .flatMap((o) => pipelineOf(o, x).filter((p) => (x.clauses[p.start] ?? -1) > (x.clauses[o.start] ?? -1))),
  ];
}

/** A shell pipe ("openssl s_client … | openssl x509 …"), not a LogQL filter ("|=", "|~"). */
const SHELL_PIPE = /\s\|\s+[a-z]/i;

/** A pipeline is one command, though "|" ends a clause: a stranger name anywhere in it
 * ("s_client -connect api.example.com | openssl x509 -enddate") is what every part of it checks,
 * so each clause of its sentence gets an occurrence. */
function pipelineOf(o: Occurrence, x: Indexed): Occurrence[] {
  const sentence = x.words[x.content[o.start] ?? -1]?.sentence;
  const found: Occurrence[] = [];
  let clause = -1;
  x.content.forEach((c, p) => {
    if (x.words[c]?.sentence === sentence && x.clauses[p] !== clause) {
      clause = x.clauses[p] ?? -1;
      found.push({ start: p, end: p });
    }
  });
  return found;
}

/** Words that put a check on some other object than the incident's own: "the previous digest",
 * "5 random users", "a normal baseline", "the whole zone", "whether signing works in general". */
const OTHER_OBJECT_WORDS = new Set(["previous", "random", "baseline", "generally", "whole"]);
/** After "previous", words that keep the incident's own object: its previous container, crash, logs. */
const SAME_OBJECT_AFTER_PREVIOUS = new Set([
  "container",
  "containers",
  "crash",
  "crashes",
  "restart",
  "restarts",
  "logs",
  "log",
  "attempt",
  "instance",
]);

/** After "other", a count keeps the incident's own set: "the other 4", "the other four families". */
const COUNTED = /^(?:\d.*|than|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|several)$/;
/** The whole estate: "across the org". */
/** Words that name the one object beside the whole estate ("across the fleet or only this node"). */
const ONE_OF_MANY = new Set(["only", "just", "one", "this", "single"]);
const WHOLE_ESTATES = new Set(["org", "orgs", "organization", "organisation", "company", "fleet", "tenant", "enterprise"]);

/** Where the answer marks its object as another one than the incident's (see OTHER_OBJECT_WORDS;
 * also "in general", and "the other replica" / "other users", but not "the other 4" or "other than"). */
function otherObjects(x: Indexed, rubric: CompiledRubric): Occurrence[] {
  const found: Occurrence[] = [];
  // The whole sentence: "the JA3 breakdown, but for the whole zone" is not about login either.
  const at = (wordIndex: number) => {
    const sentence = x.words[wordIndex]?.sentence;
    let clause = -1;
    x.content.forEach((c, p) => {
      if (x.words[c]?.sentence === sentence && x.clauses[p] !== clause) {
        clause = x.clauses[p] ?? -1;
        found.push({ start: p, end: p });
      }
    });
  };
  x.words.forEach((w, i) => {
    const next = x.words[i + 1];
    // "--previous" and "the previous container's logs" are how a crash is read, not another object.
    if (w.flag || (w.raw === "previous" && next !== undefined && SAME_OBJECT_AFTER_PREVIOUS.has(next.raw))) return;
    // "I suspect the new version reads other keys": a guess about the cause, not what is checked.
    if (hedgedBefore(x.words, i)) return;
    if (OTHER_OBJECT_WORDS.has(w.raw)) at(i);
    else if (w.raw === "general" && x.words[i - 1]?.raw === "in") at(i);
    else if (w.raw === "other" && next && next.clause === w.clause && !COUNTED.test(next.raw) && x.words[i - 1]?.raw !== "any") at(i);
    // "failed MFA pushes across the org": every user or repo, not the incident's. ("looking for a
    // company-wide change" asks whether it is everyone's, which is a check of its own; so is a look
    // across the fleet when the runbook itself looks across it.)
    else if (w.raw === "across") {
      const estate = x.words[x.words[i + 1]?.raw === "the" ? i + 2 : i + 1]?.raw ?? "";
      // "whether it's across the fleet or only on this node" compares the two: it checks this one too.
      const sentence = x.words.filter((v) => v.sentence === w.sentence).map((v) => v.raw);
      const compares = sentence.includes("or") && sentence.some((v) => ONE_OF_MANY.has(v));
      if (WHOLE_ESTATES.has(estate) && !compares && !(rubric.focusText ?? rubric.knownText ?? "").includes(`across the ${estate}`)) at(i);
    }
  });
  return found;
}

/** Words of a core that is about telling people rather than checking. */
const COMMS_WORDS = new Set([
  "post",
  "update",
  "updates",
  "tell",
  "notify",
  "email",
  "paging",
  "message",
  "announce",
  "channel",
  "support",
  "stakeholder",
  "stakeholders",
  "comms",
  "slack",
  "macro",
  "escalate",
  "ping",
]);

/** Known words by first letter, and every known stem. */
export interface Vocabulary {
  byLetter: ReadonlyMap<string, readonly { word: string; stem: string }[]>;
  stems: ReadonlySet<string>;
}

function vocabularyOf(words: Iterable<readonly [string, string]>): Vocabulary {
  const byLetter = new Map<string, { word: string; stem: string }[]>();
  const stems = new Set<string>();
  const seen = new Set<string>();
  for (const [word, stem] of words) {
    stems.add(stem);
    if (seen.has(word) || !/^\p{L}+$/u.test(word) || word.length < TYPO_MIN_LENGTH - 1) continue;
    seen.add(word);
    const list = byLetter.get(word[0] ?? "") ?? [];
    list.push({ word, stem });
    byLetter.set(word[0] ?? "", list);
  }
  return { byLetter, stems };
}

const lexiconVocabularyCache = new WeakMap<CompiledLexicon, Vocabulary>();
/** Every word of every lexicon member, with its stem (built once per lexicon). */
function lexiconVocabulary(lexicon: CompiledLexicon): Vocabulary {
  let vocabulary = lexiconVocabularyCache.get(lexicon);
  if (!vocabulary) {
    const words: [string, string][] = [];
    for (const members of lexicon.groups.values()) {
      for (const m of members) for (const w of toWords(m, lexicon.forms)) if (!w.filler) words.push([w.raw, w.stem]);
    }
    vocabulary = vocabularyOf(words);
    lexiconVocabularyCache.set(lexicon, vocabulary);
  }
  return vocabulary;
}

/** Optimal string alignment distance, stopping early past `max`. */
function typoDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((rows[i - 1]?.[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (rows[i - 1]?.[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? max + 1;
}

/** Typo reading: a word of 6+ letters the rubric does not know is read as the one known stem a
 * single slip away (swap, missing, extra or wrong letter), first letter kept. */
const TYPO_MIN_LENGTH = 6;
const typoCache = new WeakMap<CompiledRubric, Map<string, string | null>>();

/** The one stem a slip away in this vocabulary, null when none, undefined when two (ambiguous). */
function nearest(raw: string, vocabulary: Vocabulary): string | null | undefined {
  let found: string | null = null;
  for (const candidate of vocabulary.byLetter.get(raw[0] ?? "") ?? []) {
    if (typoDistance(raw, candidate.word, 1) > 1) continue;
    if (found !== null && found !== candidate.stem) return undefined;
    found = candidate.stem;
  }
  return found;
}

/** Readings against the lexicon alone are shared by every rubric using it. */
const lexiconTypoCache = new WeakMap<CompiledLexicon, Map<string, string | null | undefined>>();

function typoFix(raw: string, stem: string, rubric: CompiledRubric): string | null {
  const lexicon = lexiconVocabulary(rubric.lexicon.base ?? rubric.lexicon);
  // A stem that is not all letters was set on purpose ("deploy/x" read as the object): keep it.
  if (
    raw.length < TYPO_MIN_LENGTH ||
    rubric.vocabulary.stems.has(stem) ||
    lexicon.stems.has(stem) ||
    !/^\p{L}+$/u.test(raw) ||
    !/^\p{L}+$/u.test(stem)
  )
    return null;
  let cache = typoCache.get(rubric);
  if (!cache) {
    cache = new Map();
    typoCache.set(rubric, cache);
  }
  const hit = cache.get(raw);
  if (hit !== undefined) return hit;
  const sharedLexicon = rubric.lexicon.base ?? rubric.lexicon;
  let shared = lexiconTypoCache.get(sharedLexicon);
  if (!shared) {
    shared = new Map();
    lexiconTypoCache.set(sharedLexicon, shared);
  }
  if (!shared.has(raw)) {
    if (shared.size > 20_000) shared.clear();
    shared.set(raw, nearest(raw, lexicon));
  }
  const fromLexicon = shared.get(raw);
  const fromRubric = nearest(raw, rubric.vocabulary);
  // Two different readings anywhere: do not guess.
  const readings = new Set([fromLexicon, fromRubric].filter((r) => r !== null));
  const found = readings.size === 1 && !readings.has(undefined) ? ([...readings][0] ?? null) : null;
  if (cache.size > 10_000) cache.clear();
  cache.set(raw, found);
  return found;
}

/** An answer ready for matching: its content words, and which lexicon groups start where. */
interface Indexed {
  words: Word[];
  /** Indexes (into words) of the content words, in order. */
  content: number[];
  /** The segment of each content word (a term never spans two). */
  clauses: number[];
  /** For each content position: group → the content position where that group's phrase ends. */
  groupsAt: Map<string, number>[];
  /** Content positions that start a longer lexicon phrase of a group the rubric never names
   * ("service" in "service account"): the word is part of that other thing, not itself. */
  partOfOther: boolean[];
  /** For each content position, its sentence, counting a question and the sentence after it as one. */
  topics: number[];
}

function indexAnswer(answer: string, rubric: CompiledRubric): Indexed {
  const lexicon = rubric.lexicon;
  const words = toWords(answer, lexicon.forms).map((w) => {
    const fixed = typoFix(w.raw, w.stem, rubric);
    return fixed ? { ...w, stem: fixed } : w;
  });
  const content: number[] = [];
  words.forEach((w, i) => {
    if (!w.filler) content.push(i);
  });
  const stems = content.map((i) => (words[i] as Word).stem);
  const clauses = content.map((i) => (words[i] as Word).segment);
  const joined = content.map((i) => (words[i] as Word).joined === true);
  const groupsAt = stems.map((stem, at) => {
    const found = new Map<string, number>();
    for (const phrase of lexicon.phrasesByFirst.get(stem) ?? []) {
      if (found.has(phrase.group)) continue;
      const end = phraseEnd(phrase.stems, stems, clauses, at, joined);
      if (end >= 0) found.set(phrase.group, end);
    }
    // The longest phrase starting here wins over shorter ones of other groups: "cert-manager" is
    // not a certificate, "rollout restart" not a rollout, "status page" not a status.
    let longest = -1;
    for (const end of found.values()) longest = Math.max(longest, end);
    for (const [group, end] of found) if (end < longest) found.delete(group);
    return found;
  });
  let topic = 0;
  const topics = content.map((i, k) => {
    const previous = words[content[k - 1] ?? -1];
    const word = words[i] as Word;
    if (previous && previous.sentence !== word.sentence && !previous.question) topic++;
    return topic;
  });
  const named = namedGroups(rubric);
  const partOfOther = groupsAt.map((found, at) => {
    if (found.size === 0) return false;
    for (const [group, end] of found) if (end === at || named.has(group)) return false;
    return true;
  });
  return { words, content, clauses, groupsAt, partOfOther, topics };
}

/** The lexicon groups the rubric's own terms name (found once per rubric). */
const namedGroups = oncePerRubric((rubric): Set<string> => {
  const named = new Set<string>();
  const terms = [...rubric.core, ...rubric.supporting].flatMap((c) => c.terms).concat(rubric.risky, rubric.afterCheck, rubric.offTarget);
  for (const t of terms) for (const part of t.parts ?? [t]) for (const u of part.units) for (const g of u.groups ?? []) named.add(g);
  return named;
});

/** A lexicon phrase's words in order from `at`, at most PHRASE_GAP words apart ("roll it back",
 * "kick the job off", "move the AWSCURRENT label"): the position of its last word, or -1. */
function phraseEnd(
  phrase: readonly string[],
  stems: readonly string[],
  clauses: readonly number[],
  at: number,
  joined: readonly boolean[] = [],
): number {
  if (stems[at] !== phrase[0]) return -1;
  let pos = at;
  // "not after" (notAfter) is one field: a phrase opened by a negation takes no words between, or
  // "a session not revoked that was used after" would be an expiry.
  const gap = phrase[0] === "not" || phrase[0] === "no" ? 0 : PHRASE_GAP;
  for (let k = 1; k < phrase.length; k++) {
    let next = -1;
    // The parts of a hyphenated name between count as one word: "roll checkout-api-prod back".
    let between = 0;
    for (let p = pos + 1; p < stems.length && clauses[p] === clauses[at]; p++) {
      if (p > pos + 1 && !joined[p - 1]) between++;
      if (between > gap) break;
      if (stems[p] === phrase[k]) {
        next = p;
        break;
      }
      // "the served cert + cert-manager objects": where the phrase's first word comes again, the
      // phrase starts there, not across it.
      if (stems[p] === phrase[0]) break;
    }
    if (next < 0) return -1;
    pos = next;
  }
  return pos;
}

/** Where unit matches at content position `at`: the position it ends at, or -1. */
function unitEnd(unit: Unit, at: number, x: Indexed): number {
  const word = x.words[x.content[at] ?? -1];
  if (!word) return -1;
  let end = -1;
  if (unit.participle && !word.raw.endsWith("ed") && imperativeAt(x.words, x.content[at] ?? 0)) return -1;
  if (unit.stem !== undefined && word.stem === unit.stem && !(unit.groups && x.partOfOther[at])) end = at;
  if (unit.prefix !== undefined && (word.raw.startsWith(unit.prefix) || word.stem.startsWith(unit.prefix))) end = at;
  if (unit.groups) {
    const here = x.groupsAt[at];
    for (const g of unit.groups) {
      const e = here?.get(g);
      if (e !== undefined && e > end) end = e;
    }
  }
  return end;
}

/** True when the word opens its clause, after lead-ins ("first", "i'd", "then"): read as an
 * order ("deactivate j.doe in okta"), not as a noun or a state ("the sync revision"). */
function imperativeAt(words: readonly Word[], index: number): boolean {
  const clause = words[index]?.clause;
  for (let k = index - 1; k >= 0; k--) {
    const w = words[k] as Word;
    if (w.clause !== clause) return true;
    if (!LEAD_IN.has(w.raw) && !CLAUSE_WORDS_LEAD.has(w.raw)) return false;
  }
  return true;
}
const CLAUSE_WORDS_LEAD = new Set(["then", "just", "and", "now", "also"]);

interface Occurrence {
  /** Content positions of the first and last matched word. */
  start: number;
  end: number;
  /** For a thing a check may not be about: only a term inside it is about it (a quoted metric's own
   * words), not one right next to it. */
  inside?: boolean;
}

/** Every place the term occurs: its words in order, at most `gap` content words apart; for a
 * combination, all its parts near each other in any order. */
function occurrences(term: CompiledTerm, x: Indexed, gap: number): readonly Occurrence[] {
  return term.parts ? comboOccurrences(term.parts, x, gap) : phraseOccurrences(term, x, gap);
}

/** Where every part occurs within COMBO_SPAN content words of one sentence: the tightest span
 * for each place the first part occurs. Two parts may not be the same words ("datadog" is both a
 * dashboard and metrics, but it is not "dashboard + metrics"). */
function comboOccurrences(parts: readonly CompiledTerm[], x: Indexed, gap: number): readonly Occurrence[] {
  const lists: (readonly Occurrence[])[] = [];
  for (const p of parts) {
    const straight = occurrences(p, x, gap);
    const turned = invertedOccurrences(p, x);
    const list = turned.length === 0 ? straight : straight.length === 0 ? turned : [...straight, ...turned];
    if (list.length === 0) return NO_OCCURRENCES;
    lists.push(list);
  }
  // A question and the sentence after it are one thought: "is catalog-db ok? checking cpu".
  const sentenceOf = (p: number) => x.topics[p];
  const found: Occurrence[] = [];
  for (const first of lists[0] ?? []) {
    let start = first.start;
    let end = first.end;
    const used: Occurrence[] = [first];
    let ok = true;
    for (const list of lists.slice(1)) {
      let best: Occurrence | null = null;
      let bestSpan = Number.POSITIVE_INFINITY;
      for (const o of list) {
        if (
          sentenceOf(o.start) !== sentenceOf(first.start) ||
          sentenceOf(o.end) !== sentenceOf(first.end) ||
          used.some((u) => u.start === o.start && u.end === o.end)
        )
          continue;
        const span = Math.max(end, o.end) - Math.min(start, o.start);
        if (span < bestSpan) {
          best = o;
          bestSpan = span;
        }
      }
      if (best === null || bestSpan > COMBO_SPAN) {
        ok = false;
        break;
      }
      used.push(best);
      start = Math.min(start, best.start);
      end = Math.max(end, best.end);
    }
    if (ok) found.push({ start, end });
  }
  return found;
}

/** The last content position a term's next word may stand at, `gap` words on from `from`: the
 * parts of a hyphenated name count as one word ("rolling checkout-api-prod back"). */
function gapEnd(x: Indexed, from: number, gap: number): number {
  let last = from - 1;
  let words = -1;
  for (let at = from; at < x.content.length; at++) {
    if (at === from || !x.words[x.content[at] ?? 0]?.joined) words++;
    if (words > gap) break;
    last = at;
  }
  return last;
}

/** No occurrence: shared, since most terms of a rubric are absent from most answers (scoring
 * allocates less, and the collector runs less often while a drill's answers are scored). */
const NO_OCCURRENCES: readonly Occurrence[] = Object.freeze([]);

function phraseOccurrences(term: CompiledTerm, x: Indexed, gap: number): readonly Occurrence[] {
  const first = term.units[0];
  if (!first) return NO_OCCURRENCES;
  let found: Occurrence[] | undefined;
  for (let at = 0; at < x.content.length; at++) {
    const end = unitEnd(first, at, x);
    if (end < 0) continue;
    const done = term.units.length === 1 ? end : followUnits(term, x, gap, 1, end + 1, at);
    if (done < 0) continue;
    found ??= [];
    found.push({ start: at, end: done });
  }
  return found ?? NO_OCCURRENCES;
}

/** Where the term's units from `u` on follow, each within `gap` words of the last, in the clause
 * of `start`: the position the last one ends at, or -1. */
function followUnits(term: CompiledTerm, x: Indexed, gap: number, u: number, from: number, start: number): number {
  const unit = term.units[u];
  if (!unit) return from - 1;
  const last = gapEnd(x, from, gap);
  for (let at = from; at <= last && x.clauses[at] === x.clauses[start]; at++) {
    const end = unitEnd(unit, at, x);
    if (end < 0) continue;
    const done = followUnits(term, x, gap, u + 1, end + 1, start);
    if (done >= 0) return done;
  }
  return -1;
}

/** Cues that dismiss one thing ("skip the analysis", "no need for the dashboard"): their reach
 * ends at "and", so "skip the analysis and block it" still blocks. "Don't restart and roll back"
 * negates both. */
const DISMISSIVE = new Set(["skip", "ignor", "forget", "need", "point", "time", "use", "reason"]);

/** First-person subjects that end a negation's reach: what follows is a statement of its own. */
const NEW_SUBJECTS = new Set(["im", "ill", "i"]);

/** True when a negation stands before the word at `wordIndex`, in its clause, within reach. */
function negatedAt(
  words: Word[],
  wordIndex: number,
  singles: ReadonlySet<string>,
  pairs: readonly (readonly [string, string])[] = PAIR_NEGATORS,
): boolean {
  const clause = words[wordIndex]?.clause;
  let sawAnd = false;
  for (let k = wordIndex - 1; k >= 0; k--) {
    const w = words[k] as Word;
    if (w.clause !== clause) return false;
    // "before anyone touches the waf or asks to block countries": "before" and "until" put off
    // their whole clause; other negations reach a few words.
    if (k < wordIndex - NEGATION_REACH) {
      if (CLAUSE_DEFERRERS.has(w.stem) && singles.has(w.stem)) return true;
      continue;
    }
    // A new first-person subject starts a new statement: "not re-rotating I'm testing AWSCURRENT".
    if (NEW_SUBJECTS.has(w.raw) && k < wordIndex - 1) return false;
    if (w.stem === "and") sawAnd = true;
    if (singles.has(w.stem) && !(sawAnd && DISMISSIVE.has(w.stem))) return true;
    const next = words[k + 1];
    if (next && k + 1 < wordIndex && pairs.some(([a, b]) => a === w.stem && b === next.stem)) {
      if (!(sawAnd && DISMISSIVE.has(next.stem))) return true;
    }
  }
  return false;
}

/** Negations that put off everything after them in their clause. Stems. */
const CLAUSE_DEFERRERS = new Set(["befor", "until"]);

const spanText = (x: Indexed, o: Occurrence): string => {
  const from = x.content[o.start] ?? 0;
  const to = x.content[o.end] ?? from;
  return x.words
    .slice(from, to + 1)
    .map((w) => w.raw)
    .join(" ");
};

/** The concept's first unnegated occurrence, or a note that it was only there negated. */
/** Words that turn a two-word term around: "logs of the edge" for "edge logs", "connections from
 * the db" for "db connections". ("for" and "on" would not: "the dashboard for payments-gateway" is
 * not the payments dashboard.) */
const INVERTING = new Set(["of", "from"]);

const turnedTerms = new WeakMap<CompiledTerm, CompiledTerm>();

/** Where a two-word term ("edge logs") occurs turned around a preposition ("logs of the edge"). */
function invertedOccurrences(term: CompiledTerm, x: Indexed): readonly Occurrence[] {
  if (term.units.length !== 2 || term.parts) return NO_OCCURRENCES;
  let turned = turnedTerms.get(term);
  if (!turned) {
    const [a, b] = term.units as [Unit, Unit];
    turned = { ...term, units: [b, a] };
    turnedTerms.set(term, turned);
  }
  const found = occurrences(turned, x, TERM_GAP);
  if (found.length === 0) return NO_OCCURRENCES;
  return found.filter((o) => {
    const from = x.content[o.start] ?? 0;
    const to = x.content[o.end] ?? from;
    return x.words.slice(from + 1, to).some((w) => INVERTING.has(w.raw));
  });
}

function findConcept(
  concept: CompiledConcept,
  x: Indexed,
  negators: ReadonlySet<string>,
  offTarget: readonly Occurrence[] = [],
  deferrable = false,
  elsewhere: readonly Occurrence[] = [],
  dismissedBefore = -1,
): ConceptResult {
  let negatedSpan: string | null = null;
  let offTargetSpan: string | null = null;
  let deferredSpan: string | null = null;
  let found: Occurrence[] | undefined;
  for (const term of concept.terms) {
    const straight = occurrences(term, x, TERM_GAP);
    const turned = invertedOccurrences(term, x);
    if (straight.length + turned.length === 0) continue;
    found ??= [];
    found.push(...straight, ...turned);
  }
  // Most concepts are absent from most answers: nothing to weigh.
  if (found === undefined) return { concept: concept.name, matched: null };
  const wrongFor = (o: Occurrence) =>
    offTarget.find(
      (t) =>
        x.clauses[t.start] === x.clauses[o.start] &&
        (t.inside ? t.start <= o.start && o.end <= t.end : (t.start <= o.end + 1 && o.start <= t.end + 2) || objectOf(x, o, t)),
    );
  // "the check-runs of the merge commit to see which security checks failed": once the check in a
  // clause is run on an off-target thing, what it is run for in that clause is of it too.
  const wrongClauses = new Map<number, Occurrence>();
  for (const o of found) {
    const t = wrongFor(o);
    if (t && !t.inside) wrongClauses.set(x.clauses[o.start] ?? -1, t);
  }
  const ranFor = (o: Occurrence): Occurrence | undefined => {
    const t = wrongClauses.get(x.clauses[o.start] ?? -1);
    return t !== undefined && t.end < o.start && purposeBetween(x, t.end, o.start) ? t : undefined;
  };
  for (const o of found) {
    const wrong = wrongFor(o) ?? ranFor(o) ?? elsewhere.find((t) => x.clauses[t.start] === x.clauses[o.start]);
    if (wrong) {
      offTargetSpan ??= spanText(x, { start: Math.min(wrong.start, o.start), end: Math.max(wrong.end, o.end) });
      continue;
    }
    // "relabel is enough, skip the networkpolicy": words a dismissal stands between are no phrase.
    if (dismissalInside(x, o)) continue;
    const dismissed = (x.content[o.start] ?? 0) < dismissedBefore;
    if (!dismissed && !negatedAt(x.words, x.content[o.start] ?? 0, negators) && !dismissedAfter(x.words, x.content[o.end] ?? 0)) {
      // "cordon the node, that isolates the pod": a claim about another move's effect.
      if (deferrable && claimedEffect(x.words, x.content[o.start] ?? 0)) continue;
      // "the job probably ran": a guess about the state, not a check of it.
      if (deferrable && guessedWithin(x, o)) continue;
      // "this looks like credential stuffing": a diagnosis named, nothing checked.
      if (deferrable && diagnosed(x, o)) continue;
      // "containment after we know if it's hostile", "we can look at CloudTrail after the hole is
      // closed": the move is put off, so something else comes first.
      if (deferrable && (consequentOfCondition(x.words, x.content[o.start] ?? 0) || deferredAfter(x.words, x.content[o.end] ?? 0, true))) {
        deferredSpan ??= spanText(x, o);
        continue;
      }
      return { concept: concept.name, matched: spanText(x, o) };
    }
    negatedSpan ??= spanText(x, o);
  }
  if (negatedSpan !== null) return { concept: concept.name, matched: null, negated: true };
  if (deferredSpan !== null) return { concept: concept.name, matched: null, deferred: deferredSpan };
  return offTargetSpan === null
    ? { concept: concept.name, matched: null }
    : { concept: concept.name, matched: null, offTarget: offTargetSpan };
}

/** Verbs that, before "like", make what follows a diagnosis: "looks like credential stuffing". */
const DIAGNOSIS_VERBS = new Set(["looks", "look", "seems", "seem", "sounds", "smells", "feels"]);
/** How many content words may stand between "like" and the diagnosis: "looks like classic credential stuffing". */
const DIAGNOSIS_REACH = 2;

/** Between "like" and the occurrence, words that make what follows a move or a place rather than
 * a diagnosis: a subject or modal ("seems like we should check the edge logs", "looks like time to
 * check pg_stat_activity") or a place ("see what it looks like in security analytics"). Raw words. */
const NOT_A_DIAGNOSIS = new Set([
  "we",
  "i",
  "you",
  "someone",
  "should",
  "need",
  "needs",
  "must",
  "gotta",
  "have",
  "can",
  "could",
  "will",
  "to",
  "in",
  "on",
  "at",
  "into",
  "from",
  "for",
  "via",
  "across",
  "under",
]);
/** Before the verb of "looks like", words that make the look the object of a check: "see what it
 * looks like", "check how the split looks like". */
const LOOK_OBJECT = new Set(["what", "how"]);

/** True when the occurrence is only what the thing looks like, ending its clause: "this looks like
 * credential stuffing", "smells like a bot". ("looks like the deploy lines up with the drop" goes on to
 * a claim of its own, "seems like we should check the edge logs" proposes a check, and "see what it
 * looks like in the edge logs" looks somewhere.) */
function diagnosed(x: Indexed, o: Occurrence): boolean {
  const words = x.words;
  const from = x.content[o.start] ?? 0;
  const to = x.content[o.end] ?? from;
  const clause = words[from]?.clause;
  const next = words[to + 1];
  if (next !== undefined && next.clause === clause) return false;
  let counted = 0;
  for (let k = from - 1; k >= 1 && words[k]?.clause === clause && counted <= DIAGNOSIS_REACH; k--) {
    const raw = words[k]?.raw ?? "";
    if (raw === "like" && DIAGNOSIS_VERBS.has(words[k - 1]?.raw ?? ""))
      return !words.slice(Math.max(0, k - 6), k - 1).some((w) => w.clause === clause && LOOK_OBJECT.has(w.raw));
    if (NOT_A_DIAGNOSIS.has(raw)) return false;
    if (!words[k]?.filler) counted++;
  }
  return false;
}

/** Words that make what follows a guess: "I suspect …", "my bet is …". */
const HEDGES = new Set(["suspect", "guess", "bet", "hunch", "theory", "hypothesis", "assume"]);
const HEDGE_REACH = 6;

/** True when a hedge stands within a few words before the word, in its sentence. */
function hedgedBefore(words: readonly Word[], index: number): boolean {
  for (let k = index - 1; k >= 0 && k >= index - HEDGE_REACH && words[k]?.sentence === words[index]?.sentence; k--)
    if (HEDGES.has(words[k]?.raw ?? "")) return true;
  return false;
}

/** Verbs after "to" that say what a check is run for: "… to see which checks failed". */
const PURPOSE_VERBS = new Set(["see", "check", "find", "know", "confirm", "verify", "tell", "spot", "catch", "figure"]);
/** Words that start a new action in a clause: "… against the merge sha and list the checks on the PR head". */
const NEW_ACTION_JOINS = new Set(["and", "or", "then", "plus", "also", "while"]);

/** True when the words between two content positions say what the first is run for ("to see"),
 * with no new action joined between them. */
function purposeBetween(x: Indexed, fromContent: number, toContent: number): boolean {
  const from = x.content[fromContent] ?? 0;
  const to = x.content[toContent] ?? from;
  let purpose = false;
  for (let k = from + 1; k < to; k++) {
    const raw = x.words[k]?.raw ?? "";
    if (NEW_ACTION_JOINS.has(raw)) return false;
    if (raw === "to" && PURPOSE_VERBS.has(x.words[k + 1]?.raw ?? "")) purpose = true;
  }
  return purpose;
}

/** Prepositions that make what follows a check the thing it is run on. */
const OBJECT_PREPOSITIONS = new Set(["for", "against", "on", "of"]);
/** How many content words (the preposition among them when it counts) may stand before an off-target thing in the object. */
const OBJECT_REACH = 4;

/** True when the off-target thing ends the object the check is run on: "CloudTrail for the GitHub
 * Actions OIDC role", "get-access-key-last-used against the OIDC role we publish with". */
function objectOf(x: Indexed, o: Occurrence, t: Occurrence): boolean {
  if (t.start <= o.end || t.start - o.end - 1 > OBJECT_REACH) return false;
  const after = x.content[o.end] ?? 0;
  const next = x.words[after + 1];
  return next !== undefined && OBJECT_PREPOSITIONS.has(next.raw) && next.clause === x.words[after]?.clause;
}

/** Stems that dismiss what follows them ("skip", "ignore", "forget"). */
const DISMISSAL_STEMS = new Set(["skip", "ignor", "forget"]);

/** True when a dismissal stands between the first and last word of an occurrence. */
function dismissalInside(x: Indexed, o: Occurrence): boolean {
  for (let k = (x.content[o.start] ?? 0) + 1; k < (x.content[o.end] ?? 0); k++)
    if (DISMISSAL_STEMS.has(x.words[k]?.stem ?? "")) return true;
  return false;
}

/** Words that take back what was said before them: "check the lambda logs... actually skip that". */
const TAKE_BACK: readonly (readonly string[])[] = [
  ["skip", "that"],
  ["skip", "this"],
  ["scratch", "that"],
  ["never", "mind"],
  ["nevermind"],
  ["nvm"],
  ["forget", "that"],
];
/** Verbs of checking that, dismissed with nothing after them ("no need to check, page the team"),
 * dismiss checking altogether. */
const CHECK_VERBS = new Set(["check", "verifi", "look", "investig", "confirm", "dig"]);
const BARE_OBJECTS = new Set(["anything", "again", "further", "more", "first"]);

/** True when the raw words from `at` on are `phrase` (a loop: this runs for every word of every answer). */
function rawPhraseAt(words: readonly Word[], at: number, phrase: readonly string[]): boolean {
  for (let k = 0; k < phrase.length; k++) if (words[at + k]?.raw !== phrase[k]) return false;
  return true;
}

/** The word index before which every core term is dismissed: after a take-back ("actually skip
 * that"), everything before it; after a bare "no need to check" (no object, or "anything",
 * "again"), the whole answer. -1 when nothing is. */
function dismissedUpTo(x: Indexed): number {
  const w = x.words;
  let upTo = -1;
  for (let i = 0; i < w.length; i++) {
    for (const phrase of TAKE_BACK) if (rawPhraseAt(w, i, phrase)) upTo = Math.max(upTo, i);
    if (w[i]?.raw === "no" && w[i + 1]?.stem === "need") {
      let k = i + 2;
      if (w[k]?.raw === "to") k++;
      const verb = w[k];
      const after = w[k + 1];
      if (verb && CHECK_VERBS.has(verb.stem) && (after === undefined || after.clause !== verb.clause || BARE_OBJECTS.has(after.raw)))
        upTo = w.length;
    }
  }
  return upTo;
}

/** Said of a thing after it, these dismiss it: "the status page is useless", "cloudtrail takes
 * too long", "openssl is overkill". Stems. */
const DISMISSED_AFTER = new Set(["useless", "pointless", "overkil", "irrelev", "unnecessari", "wast"]);
const DISMISSED_AFTER_PAIRS: readonly [string, string][] = [
  ["wont", "help"],
  ["doesnt", "help"],
  ["doesnt", "matter"],
  ["not", "need"],
  ["not", "necessari"],
  ["not", "relev"],
  ["too", "long"],
  ["too", "slow"],
  ["can", "wait"],
  // "Blocking I would not do before this", "Restart of pods I don't do now".
  ["not", "do"],
  ["dont", "do"],
  ["wont", "do"],
  ["wouldnt", "do"],
  // "the app side is not important", "rotation isn't worth it yet".
  ["not", "import"],
  ["not", "important"],
  ["isnt", "import"],
  ["isnt", "important"],
  ["not", "worth"],
  ["isnt", "worth"],
];
/** Three-word predicates that dismiss what stands before them: "key rotation is off the table". */
const DISMISSED_AFTER_TRIPLES: readonly [string, string, string][] = [
  ["off", "the", "tabl"],
  ["out", "of", "question"],
  ["not", "an", "option"],
];
/** How far after the thing such a predicate is looked for, within its clause. */
const DISMISSED_AFTER_REACH = 4;

/** True when the words right after a core term dismiss it ("status page is useless"). */
function dismissedAfter(words: readonly Word[], index: number): boolean {
  const clause = words[index]?.clause;
  for (let k = index + 1; k < words.length && k <= index + DISMISSED_AFTER_REACH; k++) {
    const w = words[k] as Word;
    if (w.clause !== clause) return false;
    if (DISMISSED_AFTER.has(w.stem)) return true;
    const next = words[k + 1];
    if (next && next.clause === clause && DISMISSED_AFTER_PAIRS.some(([a, b]) => a === w.stem && b === next.stem)) return true;
    const third = words[k + 2];
    if (
      next &&
      third?.clause === clause &&
      DISMISSED_AFTER_TRIPLES.some(([a, b, c]) => a === w.stem && b === next.stem && c === third.stem)
    )
      return true;
  }
  return false;
}

/** A verb in the past participle describes a state ("the key was deactivated", "synced to v2",
 * "the jobs it created"), in the third person ("expires_at", "it restarts nightly"), and one asked about in the past ("did someone restart
 * it?", "was there a rollback?", "any restarts recently?"): neither is the responder's own move. */
function describesState(words: readonly Word[], index: number): boolean {
  const word = words[index];
  if (word === undefined) return false;
  // "did catalog-api last reconcile a new image?", "has anyone rolled it back?": asked about.
  if (word.question) {
    let first = index;
    while (first > 0 && words[first - 1]?.clause === word.clause) first--;
    // "…? and is suspend still false?": a joined question.
    while (first < index && QUESTION_JOINERS.has(words[first]?.raw ?? "")) first++;
    // "when did…", "what was…": the question word, then the marker.
    if (WH_WORDS.has(words[first]?.raw ?? "") && first + 1 < index) first++;
    if (STATE_QUESTIONS.has(words[first]?.raw ?? "")) return true;
  }
  if (word.raw.length > 4 && word.raw.endsWith("ed") && word.stem !== word.raw && !word.raw.endsWith("eed") && !causative(words, index))
    return true;
  // "the session expires at", "any restarts?": a description or a noun, not an instruction.
  if (word.raw.length > 4 && /[^s]s$/.test(word.raw) && word.stem !== word.raw) return true;
  // "did the cronjob even create a job?", "was there a rollback?": the marker, then at most two
  // words naming who or what, then the verb. After "there was" only filler may stand between:
  // in "if there was a deploy flush the keys" the flush is an action.
  let between = 0;
  for (let k = index - 1; k >= 0 && k >= index - PAST_REACH; k--) {
    const before = words[k] as Word;
    if (before.clause !== word.clause) break;
    if (PAST_MARKERS.has(before.raw)) {
      const existential = words[k - 1]?.raw === "there" && words[k - 1]?.clause === word.clause;
      return existential ? between === 0 : between <= 2;
    }
    if (!before.filler && !SOFT_WORDS.has(before.raw)) between++;
  }
  for (let k = index + 1; k < words.length && k <= index + 4; k++) {
    const after = words[k] as Word;
    if (after.clause !== word.clause) break;
    if (RECENT.has(after.raw)) return true;
  }
  return false;
}

/** True when a verb in the past tense opens the answer as a report of what the responder did:
 * "detached all policies from the role, threat contained", "I already rolled it back". A question
 * ("rolled back?") still asks about a state. */
function reportedDone(words: readonly Word[], index: number): boolean {
  const word = words[index];
  if (!word || word.question || !word.raw.endsWith("ed") || word.raw.endsWith("eed")) return false;
  const next = words[index + 1];
  if (next === undefined || next.clause !== word.clause) return false;
  if (words.slice(0, index).every((w) => REPORT_LEAD.has(w.raw))) return true;
  return saidByResponder(words, index);
}
const REPORT_LEAD = new Set(["i", "we", "just", "already", "ive", "weve", "have", "ok", "so", "done"]);
/** Words that may stand between a subject and its verb, or join two verbs of one report. */
const REPORT_ADVERBS = new Set(["then", "also", "just", "already", "quickly", "immediately"]);
const FIRST_PERSON = new Set(["i", "we"]);

/** "Then I reactivated the user and removed the policy": a past-tense verb whose subject is the
 * responder (right after "I"/"we", or joined by "and" to such a verb in its sentence) reports a move
 * made, not a state. */
function saidByResponder(words: readonly Word[], index: number): boolean {
  let k = index - 1;
  while (k >= 0 && REPORT_ADVERBS.has(words[k]?.raw ?? "")) k--;
  const before = words[k];
  if (before === undefined || before.sentence !== words[index]?.sentence) return false;
  if (FIRST_PERSON.has(before.raw)) return true;
  if (before.raw !== "and") return false;
  for (let j = k - 1; j >= 0 && words[j]?.sentence === before.sentence; j--) {
    const w = words[j] as Word;
    if (w.raw.endsWith("ed") && !w.raw.endsWith("eed")) return saidByResponder(words, j);
  }
  return false;
}

/** "get a cert issued manually", "get the pods restarted": the responder has it done, an action. */
function causative(words: readonly Word[], index: number): boolean {
  const clause = words[index]?.clause;
  for (let k = index - 2; k >= 0 && k >= index - 4; k--) {
    const w = words[k] as Word;
    if (w.clause !== clause) return false;
    if (w.raw === "get" || w.raw === "getting") return true;
  }
  return false;
}

/** A word written as a past participle: "deactivated", "managed". */
const PARTICIPLE = /^\p{L}{3,}ed$/u;

/** Modals that make a risky noun before them the subject of a consequence, not a move: "a revert
 * would ship through the same bypass", "a restart could lose the evidence". */
const CONSEQUENCE_MODALS = new Set(["would", "could", "might", "wont", "cant", "wouldnt", "couldnt"]);

/** Between a risky noun and its verb, these keep the noun the subject: "a restart just drops…". */
const LIMITING_ADVERBS = new Set(["just", "only", "also", "still"]);
/** A verb in the third person singular: "kills", "drops", "loses" (not "pass", "status"). */
const THIRD_PERSON = /^\p{L}{2,}[^su]s$/u;

/** True when the risky occurrence is a noun an article introduces and a modal follows: "a revert
 * would ship…" describes what the action would do; "do a revert" is still the action. */
function hypotheticalSubject(x: Indexed, o: Occurrence): boolean {
  const from = x.content[o.start] ?? 0;
  const to = x.content[o.end] ?? from;
  const before = x.words[from - 1];
  const after = x.words[to + 1];
  const clause = x.words[from]?.clause;
  if (!before || before.clause !== clause) return false;
  const article = before.raw === "a" || before.raw === "the" || before.raw === "any";
  // "to see if the hotfix went out", "check whether the rollback finished": the thing asked about.
  if (before.raw === "the" && askedAbout(x.words, from)) return true;
  // "a restart just drops the payments in flight", "a rollback only loses them": an adverb, then a verb in
  // the third person, says what the action does ("just" opens a clause of its own).
  const verb = x.words[to + 2];
  if (article && after && LIMITING_ADVERBS.has(after.raw) && verb && verb.sentence === after.sentence && THIRD_PERSON.test(verb.raw))
    return true;
  if (!after || after.clause !== clause) return false;
  // "a revert would ship…", "a revert goes through the same bypass": what the action would do.
  return article && (CONSEQUENCE_MODALS.has(after.raw) || SUBJECT_VERBS.has(after.raw));
}

/** Subjects before a modal that make what follows a consequence: "that would kick everyone and
 * wipe evidence", "it would wipe the evidence". ("we could roll back" still proposes it.) */
const CONSEQUENCE_SUBJECTS = new Set(["that", "it", "this", "which", "thatd", "itd", "thatll", "itll", "doing"]);
const CONSEQUENCE_REACH = 4;

/** True when the risky occurrence is said of what something would do, not done: a risky verb after
 * "that/it would" in its clause ("that would kick everyone and wipe evidence"), or a risky noun or
 * gerund that a modal follows within a few words, as the subject of a consequence ("Deleting it
 * would wipe the evidence", "a restart or a re-rotation could break those", "a revert right now
 * would go out through the same bypass"). */
function consequence(x: Indexed, o: Occurrence): boolean {
  const words = x.words;
  const from = x.content[o.start] ?? 0;
  const to = x.content[o.end] ?? from;
  const clause = words[from]?.clause;
  // Before: "<that|it> would … <risky>".
  let counted = 0;
  for (let k = from - 1; k >= 1 && words[k]?.clause === clause && counted <= CONSEQUENCE_REACH; k--) {
    const w = words[k] as Word;
    if (CONSEQUENCE_MODALS.has(w.raw) && CONSEQUENCE_SUBJECTS.has(words[k - 1]?.raw ?? "")) return true;
    if (w.raw === "thatd" || w.raw === "itd" || w.raw === "thatll" || w.raw === "itll") return true;
    if (!w.filler) counted++;
  }
  // After: "<a|the noun | gerund> … would".
  const before = words[from - 1];
  const noun = before !== undefined && before.clause === clause && ["a", "an", "the", "any"].includes(before.raw);
  const gerund = (words[from]?.raw ?? "").endsWith("ing") && opensClause(words, from);
  if (!noun && !gerund) return false;
  if (claimedOfSubject(words, to, noun)) return true;
  counted = 0;
  for (let k = to + 1; k < words.length && words[k]?.clause === clause && counted <= CONSEQUENCE_REACH; k++) {
    const w = words[k] as Word;
    if (CONSEQUENCE_MODALS.has(w.raw)) return true;
    if (SUBJECT_PRONOUNS.has(w.raw)) return false;
    if (!w.filler) counted++;
  }
  return false;
}
/** Words that may stand between a risky noun and the verb it is the subject of: "a revert now
 * goes…", "a re-run double-loads" ("double-loads" splits in two). */
const SUBJECT_ADVERBS = new Set([
  ...LIMITING_ADVERBS,
  "now",
  "right",
  "alone",
  "itself",
  "here",
  "then",
  "immediately",
  "double",
  "probably",
  "likely",
  "usually",
  "typically",
  "always",
]);
/** A gerund's object that cannot itself be a verb: "deleting either kills evidence". */
const PRONOUN_OBJECTS = new Set(["it", "them", "either", "both", "that", "this", "those", "these", "anything", "everything"]);

/** True when the risky noun ("a re-run", "a revert") or gerund with a pronoun object ("deleting
 * either", "restarting them") is the subject of a verb in the present tense: "a partial upload plus
 * a re-run double-loads", "a revert now goes through the same bypass", "deleting either kills
 * evidence" say what the action does, they do not take it. A plural noun is no verb: "restarting
 * the gateway pods" restarts them. */
function claimedOfSubject(words: readonly Word[], to: number, noun: boolean): boolean {
  const clause = words[to]?.clause;
  let k = to + 1;
  if (noun) {
    if (SUBJECT_ADVERBS.has(words[k]?.raw ?? "")) k++;
  } else {
    if (!PRONOUN_OBJECTS.has(words[k]?.raw ?? "")) return false;
    k++;
  }
  const verb = words[k];
  return verb !== undefined && verb.clause === clause && THIRD_PERSON.test(verb.raw) && verb.stem !== verb.raw && !verb.filler;
}

/** A new subject ends the search for a consequence modal: "restart it so we could…". */
const SUBJECT_PRONOUNS = new Set(["i", "we", "you", "im", "were", "ill", "id", "they"]);

/** Nouns that make a risky word before them a modifier naming a thing: "the Argo CD sync error",
 * "the restart count", "the rollback status". */
const COMPOUND_HEADS = new Set([
  "error",
  "errors",
  "failure",
  "failures",
  "status",
  "message",
  "messages",
  "history",
  "event",
  "events",
  "count",
  "counts",
  "output",
  "reason",
  "result",
  "results",
  "loop",
  "loops",
  "audit",
  // "the sync window", "the maintenance window": a time slot, not the action.
  "window",
  "windows",
]);

/** True when the risky word modifies a noun after it and is no order: "grabbed the digest from the
 * Argo CD sync error" reads an error. "sync errors away", "then restart, status page after" and
 * "delete the error events" still act: the word must not open its clause. */
function namesAThing(words: readonly Word[], at: number, end: number): boolean {
  const head = words[end + 1];
  if (head === undefined || head.clause !== words[end]?.clause || !COMPOUND_HEADS.has(head.raw)) return false;
  return !imperativeAt(words, at) && !INTENT_WORDS.has(words[at - 1]?.raw ?? "") && !RESPONDER_INTENT.has(words[at - 1]?.raw ?? "");
}

/** Words that make a sentence a guess about what happened: "probably means it set the password". */
const GUESS_WORDS = new Set([
  "probably",
  "prob",
  "probs",
  "prolly",
  "likely",
  "maybe",
  "perhaps",
  "possibly",
  "apparently",
  "means",
  "meaning",
  "suggests",
  "guess",
  "bet",
]);
/** Third-person subjects a guess is about: "it set the password", "they rotated". */
const THIRD_PERSON_SUBJECTS = new Set(["it", "they", "he", "she", "someone", "somebody"]);

/** True when the risky verb is guessed of a subject that is not the responder: "Rotation likely set
 * the pw but never promoted it", "RotationFailed probably means it set the password" explain what
 * the system did. "we should probably restart", "probably restart the pods" and "I'd probably roll
 * back" still propose the action. */
function guessedOfSubject(words: readonly Word[], index: number): boolean {
  const clause = words[index]?.clause;
  const before = words[index - 1];
  const subject = words[index - 2];
  if (before === undefined || before.clause !== clause) return false;
  // "<noun> likely set …": a guess word between a subject noun and the verb.
  if (GUESS_WORDS.has(before.raw) && !["means", "meaning", "suggests", "guess", "bet"].includes(before.raw))
    return (
      subject !== undefined &&
      subject.clause === clause &&
      !subject.filler &&
      !INTENT_WORDS.has(subject.raw) &&
      !SUBJECT_PRONOUNS.has(subject.raw) &&
      !CONDITIONS.has(subject.raw)
    );
  // "… probably means it set …": a guess word, then a third-person subject, then the verb.
  if (!THIRD_PERSON_SUBJECTS.has(before.raw)) return false;
  for (let k = index - 2; k >= 0 && k >= index - 4 && words[k]?.clause === clause; k--)
    if (GUESS_WORDS.has(words[k]?.raw ?? "")) return true;
  return false;
}

/** True when a word of the occurrence after its first is guessed of a subject: "the job probably
 * ran", "the job most likely ran and just couldn't ping". */
function guessedWithin(x: Indexed, o: Occurrence): boolean {
  const from = x.content[o.start] ?? 0;
  const to = x.content[o.end] ?? from;
  for (let k = from + 1; k <= to; k++) if (guessedOfSubject(x.words, k)) return true;
  return false;
}

/** True when the risky word is what the answer asks about: "who made exec", "whoever deleted it". */
function askedWho(words: readonly Word[], index: number): boolean {
  let content = 0;
  for (let k = index - 1; k >= 0 && content <= 2 && words[k]?.clause === words[index]?.clause; k--) {
    if (words[k]?.raw === "who" || words[k]?.raw === "whoever") return true;
    // "check who owns it and kill the key": the question ends at "and".
    if (words[k]?.raw === "and" || words[k]?.raw === "or") return false;
    if (!words[k]?.filler) content++;
  }
  return false;
}

/** "ack." opening a Slack reply takes the page; it silences nothing. */
function pageAck(x: Indexed, o: Occurrence): boolean {
  const first = x.words[0];
  return (
    o.start === 0 &&
    o.end === 0 &&
    first !== undefined &&
    ["ack", "acked", "acking", "acknowledged"].includes(first.raw) &&
    x.words[1] !== undefined &&
    x.words[1].clause !== first.clause
  );
}

/** A negation at the head of a list reaches its items across commas: "I won't delete, exec or drain
 * anything yet". The clauses between must be list items (three content words or fewer, not opened
 * by "then", "but", "just"…), and the list must be joined by "or", "nor" or "and". */
function negatedList(words: readonly Word[], index: number): boolean {
  const sentence = words[index]?.sentence;
  let clause = words[index]?.clause ?? 0;
  let joined = false;
  let k = index;
  while (k > 0 && words[k - 1]?.clause === clause) k--;
  for (let j = k; j < words.length && words[j]?.sentence === sentence; j++)
    if (["or", "nor", "and"].includes(words[j]?.raw ?? "")) joined = true;
  // The word is an item: at most one other item before it in its clause ("exec or drain").
  let before = 0;
  for (let j = k; j < index; j++) if (!words[j]?.filler && !["or", "nor", "and"].includes(words[j]?.raw ?? "")) before++;
  if (before > 1) return false;
  for (let hops = 0; hops < 4; hops++) {
    // The start of the current clause.
    while (k > 0 && words[k - 1]?.clause === clause) k--;
    const opener = words[k]?.raw ?? "";
    if (k === 0 || words[k - 1]?.sentence !== sentence || LIST_BREAKERS.has(opener)) return false;
    const previous = words[k - 1]?.clause ?? 0;
    let content = 0;
    let j = k - 1;
    for (; j >= 0 && words[j]?.clause === previous; j--) {
      const w = words[j] as Word;
      // "if there's no sig, sign it": a condition, not a list. "…, its obviously the policy - patch
      // it": a statement, not a list item.
      if (CONDITIONS.has(w.raw) || STATEMENT_VERBS.has(w.raw)) return false;
      if (RISKY_NEGATORS.has(w.stem) && content <= 3) return joined;
      if (!w.filler) content++;
      if (["or", "nor", "and"].includes(w.raw)) joined = true;
    }
    if (content > 3) return false;
    clause = previous;
    k = j + 1;
  }
  return false;
}
/** A clause with one of these says something; it is no item of a list. */
const STATEMENT_VERBS = new Set(["its", "is", "are", "was", "were", "thats", "theres", "isnt", "arent"]);
const LIST_BREAKERS = new Set(["then", "but", "just", "so", "because", "since", "while", "instead"]);

/** Words after a risky action that put it later: "Failover only after that", "roll back later".
 * For a check (`ownAction`), only before another action joins: in "get cronjob and rerun later"
 * what waits is the rerun. */
function deferredAfter(words: readonly Word[], index: number, ownAction = false): boolean {
  const clause = words[index]?.clause;
  for (let k = index + 1; k < words.length && k <= index + 4 && words[k]?.clause === clause; k++) {
    const w = words[k] as Word;
    if (ownAction && (NEW_ACTION_JOINS.has(w.raw) || w.raw === "then")) break;
    const next = words[k + 1]?.clause === clause ? words[k + 1]?.raw : undefined;
    if (w.raw === "later" || w.raw === "afterwards" || w.raw === "afterward") return true;
    if (w.raw === "only" && (next === "after" || next === "once" || next === "if" || next === "when")) return true;
    if (w.raw === "after" && (next === "that" || next === "this" || next === "we" || next === "i")) return true;
    // "after the hole is closed": a state to reach first. Not "after the deploy" (a time filter).
    if (w.raw === "after" && next === "the" && endsInState(words, k + 2, clause)) return true;
  }
  return subjectWaits(words, index);
}

/** Verbs that make "after the <thing> …" a state reached first: "after the key is revoked". In the
 * past tense it is when something happened, which the check looks after: "get jobs after the node
 * pool was drained", "cloudtrail for calls after the key was pushed". */
const STATE_VERBS = new Set(["is", "are", "has", "have", "gets"]);

/** True when a verb of state follows within three words of `from`, in the clause. */
function endsInState(words: readonly Word[], from: number, clause: number | undefined): boolean {
  for (let k = from; k < words.length && k <= from + 3 && words[k]?.clause === clause; k++) {
    if (STATE_VERBS.has(words[k]?.raw ?? "")) return true;
  }
  return false;
}

/** Verbs whose subject is put off: "rollback … waits until we know", "revoking comes after". */
const WAITING_VERBS = new Set(["wait", "waits", "come", "comes"]);
/** After "wait": the thing or time waited for; after "come(s)": when. */
const WAITED_FOR = new Set(["until", "till", "til", "for", "on"]);
const COMES_WHEN = new Set(["after", "later", "second", "next", "afterwards", "last"]);
/** Between a subject and "wait", these still leave it the subject: "rollback can wait". */
const WAIT_MODALS = new Set(["can", "should", "will", "must", "has", "have", "needs", "need", "gotta"]);

/** True when the risky action is the subject of a verb that puts it off ("Rollback and account
 * actions wait until we know", "Promotion or any password reset waits for that answer", "Revoking
 * comes after, not before", "containment can wait"). An order followed by "and wait" ("restart and
 * wait until it's healthy") still acts: "wait" must follow a noun or a modal, not "and"/"then". */
function subjectWaits(words: readonly Word[], index: number): boolean {
  const clause = words[index]?.clause;
  let content = 0;
  for (let k = index + 1; k < words.length && words[k]?.clause === clause && content <= 4; k++) {
    const w = words[k] as Word;
    if (WAITING_VERBS.has(w.raw)) {
      const before = words[k - 1] as Word;
      if (before.raw === "and" || before.raw === "then" || before.raw === "to" || before.raw === "or") return false;
      if (SUBJECT_PRONOUNS.has(before.raw)) return false;
      const next = words[k + 1];
      const after = next !== undefined && next.clause === clause ? next.raw : undefined;
      if (w.stem === "wait") return w.raw === "waits" || WAIT_MODALS.has(before.raw) || after === undefined || WAITED_FOR.has(after);
      return after !== undefined && COMES_WHEN.has(after);
    }
    if (SUBJECT_PRONOUNS.has(w.raw)) return false;
    if (!w.filler) content++;
  }
  return false;
}

/** Verbs after a noun that make it the subject of a statement: "a revert goes through…". */
const SUBJECT_VERBS = new Set(["goes", "ships", "runs", "takes", "means", "triggers", "requires"]);

/** True when an indirect question ("see if", "check whether") opens before the word in its clause. */
function askedAbout(words: readonly Word[], index: number): boolean {
  const clause = words[index]?.clause;
  for (let k = index - 1; k >= 1 && words[k]?.clause === clause; k--) {
    const w = words[k] as Word;
    if (w.raw === "whether" || (w.raw === "if" && ASKING_IF.has(words[k - 1]?.stem ?? ""))) return true;
  }
  return false;
}

/** True when a condition opens the sentence and the risky word follows a subject, not an order:
 * "if only pending works, rotation set the password but never finished", "if it's s3:* that's
 * delete territory" reason about what the check would show. "if it's paycore, fail over" and
 * "if so the pods need a restart" still act. */
function describedUnderCondition(words: readonly Word[], index: number): boolean {
  const sentence = words[index]?.sentence;
  let first = index;
  while (first > 0 && words[first - 1]?.sentence === sentence) first--;
  while (first < index && LEAD_IN.has(words[first]?.raw ?? "")) first++;
  const clause = words[index]?.clause;
  // The condition has its own clause ("if only pending works, …"): in "if its paycore fail over"
  // the subject is the condition's, and fail over is the order.
  if (!CONDITIONS.has(words[first]?.raw ?? "") || words[first]?.clause === clause || imperativeAt(words, index)) return false;
  for (let k = index - 1; k >= 0 && words[k]?.clause === clause; k--) if (INTENT_WORDS.has(words[k]?.raw ?? "")) return false;
  return true;
}
/** Words that make what follows a proposal even after a subject ("the pods need a restart"). */
const INTENT_WORDS = new Set([
  "need",
  "needs",
  "should",
  "must",
  "will",
  "to",
  "gotta",
  "can",
  "lets",
  "let",
  "we",
  "i",
  "id",
  "ill",
  "then",
]);

/** After these a word is an adjective, not an action: "how close is catalog-db to falling over". */
const DEGREE_WORDS = new Set(["how", "too", "very", "pretty", "quite"]);

/** "did someone restart it?", "was there a rollback?" */
const PAST_MARKERS = new Set(["did", "was", "were", "been"]);
/** A question starting with these asks about what happened, not whether to do it ("should we
 * roll back?" and "can we fail over?" still propose the action). */
const QUESTION_JOINERS = new Set(["and", "or", "also", "plus"]);
const STATE_QUESTIONS = new Set([
  // "is suspend still false?", "are the pods restarting?": asked about a state.
  "is",
  "are",
  "isnt",
  "arent",
  "did",
  "was",
  "were",
  "has",
  "have",
  "had",
  "does",
  "do",
  "any",
  "anything",
  "anyone",
  "anybody",
  "someone",
  "somebody",
]);
const WH_WORDS = new Set(["when", "what", "which", "where", "why", "how", "who"]);
/** How far back a past marker is looked for. */
const PAST_REACH = 6;
/** Words between a past marker and its verb that name no one in particular. */
const SOFT_WORDS = new Set([
  "there",
  "someone",
  "somebody",
  "anyone",
  "anybody",
  "nobody",
  "even",
  "ever",
  "already",
  "still",
  "he",
  "she",
]);
/** "any restarts recently?", "a deploy 10 minutes ago" */
const RECENT = new Set(["recently", "lately", "earlier", "ago"]);

/** Before a risky action, these also say the check will decide it, not the responder now:
 * "that tells us promote vs resync". */
const RISKY_PAIRS: readonly [string, string][] = [
  ...PAIR_NEGATORS,
  ["tell", "us"],
  ["tell", "me"],
  ["to", "decid"],
  // "so we know what to promote", "only then do we think about promoting": what the check decides.
  ["what", "to"],
  ["which", "to"],
  ["think", "about"],
  ["talk", "about"],
  // "so we know what we'd be blocking": a hypothetical action as the object of knowing, like "what
  // to block" ("what we need is a restart" still proposes one).
  ["what", "wed"],
  ["which", "wed"],
  // "please wait with the revoke": put off, like "hold off on the revoke".
  ["wait", "with"],
];

/** Words that make what follows (or precedes, in its sentence) depend on the check: "if yes ->
 * deactivate", "once confirmed, revoke", "deactivate it if it is active". */
const CONDITIONS = new Set(["if", "once", "unless", "when", "depending", "whether"]);
/** A condition reaches this many words back or forward within its sentence. */
export const CONDITION_REACH = 14;

/** True when the occurrence is all inside command-line options ("--rm"); "--status Inactive"
 * sets a value and still counts. */
function flagOnly(x: Indexed, o: Occurrence): boolean {
  for (let p = o.start; p <= o.end; p++) if (!x.words[x.content[p] ?? -1]?.flag) return false;
  return true;
}

/** Words that say what comes after "for" is searched for: "audit log for exec", "grep for kill",
 * "look for restarts", "check cloudtrail for deletes". Stems. */
const SEARCH_WORDS = new Set(["log", "look", "search", "grep", "scan", "audit", "queri", "filter", "hunt", "event", "trail", "check"]);

/** True when the risky word at `wordIndex` is what a check looks for ("audit log for exec"). */
function searchedFor(words: readonly Word[], wordIndex: number): boolean {
  let k = wordIndex - 1;
  const skipFiller = () => {
    while (k >= 0 && words[k]?.filler && words[k]?.raw !== "for") k--;
  };
  skipFiller();
  // "for exec or a rollback": back over the things listed before it.
  while ((words[k]?.raw === "or" || words[k]?.raw === "and") && k >= 2) {
    k -= 2;
    skipFiller();
  }
  if (words[k]?.raw !== "for" || words[k]?.clause !== words[wordIndex]?.clause) return false;
  for (let j = k - 1; j >= 0 && j >= k - 3 && words[j]?.clause === words[k]?.clause; j--)
    if (SEARCH_WORDS.has(words[j]?.stem ?? "")) return true;
  return false;
}

/** Steps of a numbered plan from this one on are later moves, not the first ("1) describe-secret
 * stages 2) psql test each 3) … 4) promote"); a step after the first that depends on the checks
 * ("3) depending on result, rerun sign") is too. "1) check 2) restart" still restarts second. */
export const LATER_STEP = 3;

function laterStep(words: readonly Word[], wordIndex: number): boolean {
  const step = words[wordIndex]?.step;
  if (step === undefined) return false;
  return step >= LATER_STEP || (step >= 2 && conditionalAt(words, wordIndex));
}

/** True when the word is a verb in the third person right after "that" or "which": "that
 * isolates it" says what the answer's other move would do, it is not the move. */
function claimedEffect(words: readonly Word[], index: number): boolean {
  const word = words[index];
  const before = words[index - 1];
  if (!word || !before || before.clause !== word.clause) return false;
  return (before.raw === "that" || before.raw === "which") && /[^s]s$/.test(word.raw) && word.stem !== word.raw;
}

/** True when the word at `wordIndex` is what follows a condition, in a later clause of its
 * sentence: "if nobody exec'd then quarantine", "if it matches, check db headroom". (A word inside
 * the condition itself, "if it's only paycore", is what the answer checks.) */
function consequentOfCondition(words: readonly Word[], wordIndex: number): boolean {
  const sentence = words[wordIndex]?.sentence;
  const clause = words[wordIndex]?.clause;
  for (let k = wordIndex - 1; k >= 0 && k >= wordIndex - CONDITION_REACH; k--) {
    const w = words[k] as Word;
    if (w.sentence !== sentence) break;
    if (conditionWord(words, k) && opensClause(words, k)) return w.clause !== clause;
  }
  return false;
}

/** True when the word at `k` is the first of its clause, after lead-ins ("so if…", "and once…"):
 * "started right when v2.14 went out" is a time, not a condition. */
function opensClause(words: readonly Word[], k: number): boolean {
  for (let j = k - 1; j >= 0 && words[j]?.clause === words[k]?.clause; j--) {
    const raw = words[j]?.raw ?? "";
    if (!LEAD_IN.has(raw) && !CLAUSE_WORDS_LEAD.has(raw)) return false;
  }
  return true;
}

/** Verbs after which "if" asks rather than conditions: "see if", "check if someone flipped it". */
const ASKING_IF = new Set(["see", "check", "know", "tell", "verifi", "find", "determin", "confirm", "ask", "wonder", "sure", "look"]);

/** True when an earlier "if" of the sentence asks ("know if", "see if"): a later "if" continues it. */
function askedIfBefore(words: readonly Word[], k: number): boolean {
  const sentence = words[k]?.sentence;
  for (let j = k - 1; j >= 1 && words[j]?.sentence === sentence; j--) {
    if (words[j]?.raw !== "if") continue;
    const verb = words[j - 1];
    if (verb && verb.clause === words[j]?.clause && ASKING_IF.has(verb.stem)) return true;
  }
  return false;
}

/** True when the word at `k` opens a condition: not "whether", "see if", "at once" or a "when"
 * question ("when did it start?"). */
function conditionWord(words: readonly Word[], k: number): boolean {
  const w = words[k];
  if (!w || !CONDITIONS.has(w.raw) || w.raw === "whether") return false;
  const before = words[k - 1];
  if (w.raw === "if" && before && before.clause === w.clause && ASKING_IF.has(before.stem)) return false;
  // "I want to know if the job didn't start, if it crashed…": a list of questions, not a condition.
  if (w.raw === "if" && askedIfBefore(words, k)) return false;
  if (w.raw === "once" && before?.raw === "at") return false;
  if (w.raw === "when" && w.question) return false;
  return true;
}

/** True when the action at `wordIndex` is made to depend on something: a condition before it in
 * its sentence, or an "if"/"once"/"unless" after it in its clause. */
function conditionalAt(words: readonly Word[], wordIndex: number): boolean {
  const sentence = words[wordIndex]?.sentence;
  for (let k = wordIndex - 1; k >= 0 && k >= wordIndex - CONDITION_REACH; k--) {
    const w = words[k] as Word;
    if (w.sentence !== sentence) break;
    if (CONDITIONS.has(w.raw)) return true;
  }
  const clause = words[wordIndex]?.clause;
  for (let k = wordIndex + 1; k < words.length && k <= wordIndex + CONDITION_REACH; k++) {
    const w = words[k] as Word;
    if (w.clause !== clause) break;
    if (w.raw === "if" || w.raw === "once" || w.raw === "unless") return true;
  }
  return false;
}

interface RiskyFound {
  taken: string[];
  /** Next steps taken only once the check confirms. */
  conditional: string[];
}

/** How far "set" may stand after "update" in an SQL statement: the table's name, split into words
 * ("update refresh_token_families set"), comes between. */
const SQL_UPDATE_REACH = 6;

/** SQL statements that write (UPDATE … SET, DELETE FROM, INSERT INTO), as the answer words them: a
 * change of state in every scenario, wherever it stands ("psql -c \"update sessions set revoked_at=now()\""),
 * unless negated or only looked for ("grep the audit log for delete from"). */
function sqlWrites(x: Indexed): string[] {
  const words = x.words;
  const found: string[] = [];
  words.forEach((w, i) => {
    let end = -1;
    if ((w.raw === "delete" && words[i + 1]?.raw === "from") || (w.raw === "insert" && words[i + 1]?.raw === "into")) end = i + 1;
    if (w.raw === "update")
      for (let k = i + 2; k <= i + SQL_UPDATE_REACH && k < words.length && words[k]?.sentence === w.sentence; k++)
        if (words[k]?.raw === "set") {
          end = k;
          break;
        }
    if (end < 0) return;
    if (negatedAt(words, i, RISKY_NEGATORS, RISKY_PAIRS) || searchedFor(words, i) || laterStep(words, i) || askedAbout(words, i)) return;
    found.push(
      words
        .slice(i, end + 1)
        .map((v) => v.raw)
        .join(" "),
    );
  });
  return found;
}

/** HTTP methods that write, after curl's -X / --request, gh api's -X / --method, httpie's verb. */
const HTTP_WRITE_METHODS = new Set(["post", "put", "patch", "delete"]);
/** The options that give the method. Only as options: "http_method=POST" and "@http.method:POST"
 * are a log filter on requests, not a request. */
const HTTP_METHOD_FLAGS = new Set(["x", "request", "method"]);
/** A command line with one of these sends the request: curl, wget, httpie, gh api. */
const HTTP_CLIENTS = new Set(["curl", "wget", "http", "https", "api", "httpie", "xh", "xhs"]);
/** httpie and xh take the method as the word after the command, then the URL: "http POST
 * example.okta.com/…", "xh PATCH :8080/…". Not "http POST /api/v1/login" (a route) nor "http POST
 * requests" (a kind of traffic). */
const HTTPIE_REQUEST =
  /(?:^|[\s;|&(`])(?:http|https|xh|xhs)\s+(post|put|patch|delete)\s+["']?(?:[a-z][a-z0-9+.-]*:\/\/|:\d|\$|[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:[/:?]|\s|$)|[\w-]+:\d)/iu;
const HTTPIE_CLIENTS = new Set(["http", "https", "xh", "xhs"]);
/** A POST to these reads: a search job, a query, GraphQL, Prometheus' series and labels, SQL over
 * HTTP, a token lookup ("curl -X POST …/services/search/jobs", "…/api/v1/series", "…/_sql"). */
const HTTP_READ_PATHS = new Set(["search", "query", "graphql", "count", "msearch", "explain", "series", "labels", "sql", "lookup"]);
/** Options whose value is the request body: curl's -d / --data…, gh api's -f / --field / --input. */
const HTTP_BODY_FLAGS = new Set(["d", "data", "f", "field", "raw", "input"]);
/** A body that opens with these reads: SQL posted to ClickHouse or Trino, a JSON query. */
const HTTP_READ_BODIES = new Set(["select", "show", "describe", "desc", "explain", "with", "query"]);
/** Words of a request that make a POST a write whatever else it says: "_delete_by_query",
 * "_update_by_query", a GraphQL mutation. */
const HTTP_WRITE_WORDS = new Set(["delete", "update", "mutation"]);

/** The words of the request whose client is at `from`: up to the end of its clause, or a new
 * action ("… and query the sessions table" is another move, not the request's URL). */
function requestWords(words: readonly Word[], from: number): Word[] {
  const request: Word[] = [];
  const clause = words[from]?.clause;
  for (let k = from; k < words.length && words[k]?.clause === clause; k++) {
    const w = words[k] as Word;
    if (k > from && (NEW_ACTION_JOINS.has(w.raw) || w.raw === "then")) break;
    request.push(w);
  }
  return request;
}

/** True when the POST whose words these are reads: its URL names a search or query endpoint, or
 * its body is a query, and nothing in it deletes, updates or mutates. */
function readOnlyPost(request: readonly Word[]): boolean {
  if (request.some((w) => HTTP_WRITE_WORDS.has(w.raw))) return false;
  if (request.some((w) => !w.flag && HTTP_READ_PATHS.has(w.raw))) return true;
  return request.some(
    (w, k) => w.flag && HTTP_BODY_FLAGS.has(w.raw) && HTTP_READ_BODIES.has(request.slice(k + 1).find((v) => !v.flag)?.raw ?? ""),
  );
}

/** Requests that change something through an API, anywhere in the answer, as the answer writes
 * them: "curl -X POST …/lifecycle/deactivate", "gh api -X DELETE …", "http POST example.okta.com/…".
 * Not a POST to a search or query endpoint or with a query as its body, nor one negated ("no curl
 * -X DELETE yet"). */
function httpWrites(answer: string, x: Indexed): string[] {
  const words = x.words;
  const found: string[] = [];
  const httpie = HTTPIE_REQUEST.test(answer);
  words.forEach((w, i) => {
    let method: string | undefined;
    let client = -1;
    let said = "";
    if (w.flag && w.raw.length > 1 && w.raw.startsWith("x") && HTTP_WRITE_METHODS.has(w.raw.slice(1))) {
      method = w.raw.slice(1);
      said = "-X";
    } else if (w.flag && HTTP_METHOD_FLAGS.has(w.raw)) {
      method = words[i + 1]?.raw;
      said = w.raw === "x" ? "-X" : `--${w.raw}`;
    } else if (httpie && !w.flag && HTTP_WRITE_METHODS.has(w.raw) && HTTPIE_CLIENTS.has(words[i - 1]?.raw ?? "")) {
      method = w.raw;
      client = i - 1;
      said = words[i - 1]?.raw ?? "http";
    }
    if (method === undefined || !HTTP_WRITE_METHODS.has(method)) return;
    if (client < 0)
      for (let k = i - 1; k >= 0 && words[k]?.sentence === w.sentence; k--)
        if (HTTP_CLIENTS.has(words[k]?.raw ?? "")) {
          client = k;
          break;
        }
    if (client < 0) return;
    if (method === "post" && readOnlyPost(requestWords(words, client))) return;
    if (negatedAt(words, i, RISKY_NEGATORS, RISKY_PAIRS) || laterStep(words, i) || askedAbout(words, i)) return;
    found.push(`${said} ${method.toUpperCase()}`);
  });
  return found;
}
/** Words after which a state-changing verb is the responder's next move: "…, and setting…",
 * "meanwhile running ALTER ROLE". */
const NEXT_MOVE_WORDS = new Set(["and", "then", "meanwhile", "now", "also", "plus", "while"]);

/** Right before a verb, the responder says it is their move wherever the clause starts: "since it's
 * partial I'll force the loader now". */
const RESPONDER_INTENT = new Set(["ill", "well", "lets", "gonna", "imma"]);

/** The shared state-changing verbs the answer takes as its own move: where the verb opens its
 * clause or follows "and", "then", "meanwhile" (a phrase such as "alter role" anywhere), not
 * negated or otherwise discounted like a risky action. */
function stateChangesTaken(rubric: CompiledRubric, x: Indexed): string[] {
  if (rubric.stateChanges.length === 0) return [];
  const found = findRisky(rubric.stateChanges, [], x, (o) => {
    const at = x.content[o.start] ?? 0;
    if (o.end === o.start && !imperativeAt(x.words, at)) {
      let k = at - 1;
      let intent = false;
      while (k >= 0 && x.words[k]?.filler) {
        if (RESPONDER_INTENT.has(x.words[k]?.raw ?? "")) intent = true;
        k--;
      }
      if (!intent && !NEXT_MOVE_WORDS.has(x.words[k]?.raw ?? "") && !RESPONDER_INTENT.has(x.words[k]?.raw ?? "")) return false;
    }
    // "set up a panel by provider" sets nothing.
    return x.words[at + 1]?.raw !== "up";
  });
  return found.taken;
}

/** Risky actions the answer takes (not negated or deferred), as the answer words them. Next steps
 * (after_check) count as risky unless the answer makes them conditional on the check. */
function findRisky(
  terms: readonly CompiledTerm[],
  afterCheck: readonly CompiledTerm[],
  x: Indexed,
  takenHere: (o: Occurrence) => boolean = () => true,
): RiskyFound {
  const spans: Occurrence[] = [];
  const conditionalSpans: Occurrence[] = [];
  const overlaps = (list: Occurrence[], o: Occurrence) => list.some((s) => s.start <= o.end && o.start <= s.end);
  // The runbook's conditional next step first: a risky term that reads the same words ("close",
  // a `silence` member, when "close as roaming" is the runbook's step on one fingerprint) does not
  // take them back from a condition.
  for (let pass = 0; pass < 2; pass++) {
    const isNextStep = pass === 0;
    const list = isNextStep ? afterCheck : terms;
    for (const term of list) {
      const found = occurrences(term, x, RISKY_GAP);
      for (let f = 0; f < found.length; f++) {
        const o = found[f] as Occurrence;
        if (!isNextStep && overlaps(conditionalSpans, o)) continue;
        const at = x.content[o.start] ?? 0;
        // A term written as a participle ("managed challenge") names the action itself.
        const participle = PARTICIPLE.test(term.words[0]?.[0] ?? "");
        if ((!participle && !reportedDone(x.words, at) && describesState(x.words, at)) || x.words[at]?.identifier || x.words[at]?.pattern)
          continue;
        if (flagOnly(x, o) || searchedFor(x.words, at) || laterStep(x.words, at)) continue;
        // "see if the rotation set the password": what a subject did, asked about.
        const previous = x.words[at - 1];
        if (previous && !previous.filler && !INTENT_WORDS.has(previous.raw) && !CONDITIONS.has(previous.raw) && askedAbout(x.words, at))
          continue;
        if (hypotheticalSubject(x, o) || DEGREE_WORDS.has(x.words[at - 1]?.raw ?? "")) continue;
        if (describedUnderCondition(x.words, at) || consequence(x, o) || askedWho(x.words, at) || pageAck(x, o)) continue;
        if (guessedOfSubject(x.words, at) || namesAThing(x.words, at, x.content[o.end] ?? at)) continue;
        if (
          negatedAt(x.words, at, RISKY_NEGATORS, RISKY_PAIRS) ||
          negatedList(x.words, at) ||
          leftAlone(x.words, at, x.content[o.end] ?? at) ||
          possibleLater(x.words, at) ||
          deferredAfter(x.words, x.content[o.end] ?? at) ||
          dismissedAfter(x.words, x.content[o.end] ?? at)
        )
          continue;
        if (isNextStep && conditionalAt(x.words, at)) {
          if (!overlaps(conditionalSpans, o)) conditionalSpans.push(o);
          continue;
        }
        if (!takenHere(o)) continue;
        if (!overlaps(spans, o)) spans.push(o);
      }
    }
  }
  const text = (list: Occurrence[]) => list.sort((a, b) => a.start - b.start).map((o) => spanText(x, o));
  return { taken: text(spans), conditional: text(conditionalSpans.filter((o) => !overlaps(spans, o))) };
}

/** Words that close "leave X …": "leaving the function and its concurrency alone for now". */
const LEFT_AS_IS = new Set(["alone", "untouched", "be"]);
/** Before "be", words that make it no "leave X be": "restart it to be safe", "it should be quick". */
const BE_OF_ANOTHER_VERB = new Set(["to", "should", "will", "would", "could", "can", "may", "might", "must", "itll", "wont", "shouldnt"]);
/** True when the risky words are what the responder leaves alone: a form of "leave" before them
 * and "alone", "untouched" or "be" within a few words after ("its restart policy alone"), in one clause. */
function leftAlone(words: readonly Word[], from: number, to: number): boolean {
  const clause = words[from]?.clause;
  let closed = false;
  for (let k = to + 1; k <= to + 3 && words[k]?.clause === clause; k++) {
    const raw = words[k]?.raw ?? "";
    if (LEFT_AS_IS.has(raw) && !(raw === "be" && BE_OF_ANOTHER_VERB.has(words[k - 1]?.raw ?? ""))) closed = true;
  }
  if (!closed) return false;
  for (let k = from - 1; k >= 0 && k >= from - 6 && words[k]?.clause === clause; k--)
    if (["leave", "leaving", "leaves", "left"].includes(words[k]?.raw ?? "")) return true;
  return false;
}

/** Words that make a move due at once: "we may have to fail over now", "might need to restart it asap".
 * (Not "first": "we may have to roll back first thing tomorrow" is later.) */
const AT_ONCE = new Set(["now", "asap", "immediately", "urgently"]);

/** True when the risky verb is only a possibility for later: "we may have to throttle pdf-render
 * soon", "might need to rotate". ("we have to rotate now" is a move, and so is "we may have to
 * roll back right away".) */
function possibleLater(words: readonly Word[], at: number): boolean {
  const clause = words[at]?.clause;
  const [modal, need, to] = [words[at - 3], words[at - 2], words[at - 1]];
  if (to?.raw !== "to" || !["have", "need", "has"].includes(need?.raw ?? "") || !["may", "might"].includes(modal?.raw ?? "")) return false;
  if (modal?.clause !== clause) return false;
  for (let k = at + 1; words[k]?.clause === clause; k++) {
    const raw = words[k]?.raw ?? "";
    if (AT_ONCE.has(raw) || (raw === "away" && ["right", "straight"].includes(words[k - 1]?.raw ?? ""))) return false;
  }
  return true;
}

const quote = (text: string) => `“${text}”`;

function reasonLine(core: ConceptResult[], supporting: ConceptResult[], risky: string[], conditional: string[] = []): string {
  const parts: string[] = [];
  if (risky.length > 0) parts.push(`risky: ${risky.map(quote).join(", ")}`);
  const dismissed = core.filter((c) => c.negated);
  const wrong = core.filter((c) => c.offTarget !== undefined && !c.negated);
  const deferred = core.filter((c) => c.deferred !== undefined && !c.negated && c.offTarget === undefined);
  const missing = core.filter((c) => c.matched === null && !c.negated && c.offTarget === undefined && c.deferred === undefined);
  if (dismissed.length > 0) parts.push(`dismissed: ${dismissed.map((c) => c.concept).join(", ")}`);
  if (deferred.length > 0) parts.push(`only after something else: ${deferred.map((c) => quote(c.deferred ?? "")).join(", ")}`);
  if (wrong.length > 0) parts.push(`checks the wrong thing: ${wrong.map((c) => quote(c.offTarget ?? "")).join(", ")}`);
  if (missing.length > 0) parts.push(`missing: ${missing.map((c) => c.concept).join(", ")}`);
  if (parts.length > 0) return parts.join("; ");
  const found = core.map((c) => `${c.concept} (${quote(c.matched ?? "")})`).join(", ");
  const left = supporting.filter((s) => s.matched === null).map((s) => s.concept);
  const next = conditional.length > 0 ? `; only if the check confirms: ${conditional.map(quote).join(", ")}` : "";
  return `has ${found}${left.length > 0 ? `; left out: ${left.join(", ")}` : ""}${next}`;
}

/** Content words in the answer (ignoring filler), for the needs-review rule. */
const contentCount = (x: Indexed) => x.content.length;

/**
 * Needs review when the verdict hangs on something a keyword scorer reads poorly:
 * - it is correct only because a next step reads as conditional on the check, or wrong only
 *   because a core concept was there dismissed or about the wrong thing;
 * - it is wrong only for a missing core concept although the answer has supporting concepts
 *   (it talks about the right things but not in the words the rubric knows);
 * - it is correct but also names something the scenario does not, or names the core and nothing
 *   of the supporting concepts (where most wrong accepts of blind sets were), or on a bare
 *   minimum: three content words or fewer;
 * - it asks someone else to run the check, or is wrong only because it reads as vague ("look into
 *   the provider errors") or as a hand-off ("ask #payments who owns the pod").
 */
function reviewReason(
  correct: boolean,
  core: ConceptResult[],
  supporting: ConceptResult[],
  risky: RiskyFound,
  x: Indexed,
  vague: string | null,
  handOff: string | null,
  request: string | null,
  namesOther: boolean,
): string | undefined {
  if (vague !== null && risky.taken.length === 0 && core.every((c) => c.matched !== null))
    return "wrong only because it reads as vague (look into …)";
  if (handOff !== null && risky.taken.length === 0 && core.every((c) => c.matched !== null))
    return "wrong only because it reads as handing the move to someone else (ask …, ping …)";
  if (correct && request !== null) return "correct, but it asks someone else to run the check (can someone …)";
  if (correct && risky.conditional.length > 0) return "correct only because a next step reads as conditional on the check";
  // Measured on 7,778 labelled answers: right 534 times in 535 when a risky action read as negated,
  // so that no longer asks for a look; these two were wrong half the time on a blind set.
  if (correct && namesOther) return "correct, but it also names something the scenario does not (another system, name or environment)";
  if (correct && supporting.length > 0 && supporting.every((s) => s.matched === null))
    return "correct on the core alone: it names none of the supporting concepts";
  if (!correct && risky.taken.length === 0 && core.some((c) => c.negated)) return "wrong only because a core concept reads as dismissed";
  if (!correct && risky.taken.length === 0 && core.some((c) => c.offTarget !== undefined))
    return "wrong only because a core concept reads as about the wrong thing";
  if (!correct && risky.taken.length === 0 && supporting.some((s) => s.matched !== null))
    return "wrong for a missing core concept, but it names supporting ones";
  if (correct && contentCount(x) <= 3) return "correct on very few words";
  return undefined;
}

export function firstMoveScore(answer: string, rubric: CompiledRubric): FirstMoveVerdict {
  const x = indexAnswer(answer, rubric);
  const offTarget = [...rubric.offTarget.flatMap((t) => occurrences(t, x, TERM_GAP)), ...alertMetricsIn(rubric, x)];
  const elsewhere = [
    ...otherEnvironments(rubric, x),
    ...strangerSystems(rubric, answer, x),
    ...strangerNames(rubric, answer, x),
    ...otherObjects(x, rubric),
  ];
  // Another pod or person and never the incident's own: every clause from it on is about the other one.
  const strangers = strangersOnly(rubric, answer);
  if (strangers.length > 0) {
    const at = strangers.flatMap((name) =>
      spelledAt(
        name.split(/[^\p{L}\p{N}]+/u).filter((part) => part !== "" && !FILLER_WORDS.has(part)),
        x,
      ),
    );
    const from = at.length > 0 ? Math.min(...at.map((o) => x.clauses[o.start] ?? 0)) : -Infinity;
    for (const p of new Set(x.clauses)) if (p >= from) elsewhere.push({ start: x.clauses.indexOf(p), end: x.clauses.indexOf(p) });
  }
  const dismissedBefore = dismissedUpTo(x);
  const core = rubric.core.map((c) => findConcept(c, x, CORE_DISMISSERS, offTarget, true, elsewhere, dismissedBefore));
  const supporting = rubric.supporting.map((c) => {
    const found = findConcept(c, x, CORE_DISMISSERS);
    return { concept: found.concept, matched: found.matched };
  });
  const risky = findRisky(rubric.risky, rubric.afterCheck, x);
  for (const change of stateChangesTaken(rubric, x)) if (!risky.taken.includes(change)) risky.taken.push(change);
  for (const write of [...sqlWrites(x), ...httpWrites(answer, x)]) if (!risky.taken.includes(write)) risky.taken.push(write);
  const writeOff = writesOffAlert(x);
  if (writeOff !== null && !risky.taken.includes(writeOff)) risky.taken.push(writeOff);
  const vague = vagueMove(answer, x);
  const addressed = vague === null ? addressedMove(answer, x, rubric) : { handOff: null, request: null };
  const handOff = addressed.handOff;
  const hasCore = core.every((c) => c.matched !== null);
  const correct = hasCore && risky.taken.length === 0 && vague === null && handOff === null;
  /** Vagueness is the reason only when nothing else already makes the move wrong. */
  const vagueDecided = vague !== null && hasCore && risky.taken.length === 0;
  const handOffDecided = handOff !== null && hasCore && risky.taken.length === 0;
  const review = reviewReason(correct, core, supporting, risky, x, vague, handOff, addressed.request, elsewhere.length > 0);
  return {
    version: 2,
    correct,
    needsReview: review !== undefined,
    ...(review ? { reviewReason: review } : {}),
    core,
    supporting,
    risky: risky.taken,
    ...(risky.conditional.length > 0 ? { conditional: risky.conditional } : {}),
    ...(vagueDecided ? { vague } : {}),
    ...(handOffDecided ? { handOff } : {}),
    reason: vagueDecided
      ? `vague: ${quote(vague ?? "")} names no check to run`
      : handOffDecided
        ? `hands off: ${quote(handOff ?? "")} asks someone else instead of checking`
        : reasonLine(core, supporting, risky.taken, risky.conditional),
  };
}

/** Words that call the alert harmless ("fine", "a blip") when a conclusion comes before them. */
const HARMLESS = new Set(["fine", "blip", "blips", "glitch", "flake", "flaky"]);
/** Harmless only right after the conclusion: "prob noise", "just noise" ("a restart just adds
 * noise" is about an action). */
const HARMLESS_NEXT = new Set(["noise", "noisy"]);
/** Words that make what follows a conclusion about the alert: "so it's fine", "probably a blip",
 * "must be a probe glitch", "closing as false positive". Not "noise": "a restart just adds noise"
 * is about an action. */
const CONCLUDING = new Set(["so", "probably", "prob", "probs", "prolly", "likely", "must", "as", "just"]);
/** Negations that make "not just a blip" a doubt rather than a verdict. */
const NOT_WORDS = new Set(["not", "isnt", "arent", "wasnt", "no", "never", "nt"]);
/** After "so", words that open a purpose ("so we know", "so that") rather than a conclusion. */
const PURPOSE_AFTER_SO = new Set(["we", "that", "i", "you", "they", "everyone", "nobody"]);
/** Words that make what follows them in a sentence a case rather than a verdict. */
const CONDITION_WORDS = new Set(["if", "whether", "unless", "when"]);
/** How many words before the harmless word a conclusion may stand, within its clause. */
const CONCLUDING_REACH = 5;
/** "call it <over>": the incident declared done. */
const CALLED_OVER = new Set([
  "contained",
  "done",
  "fixed",
  "resolved",
  "closed",
  "good",
  "fine",
  "handled",
  "clean",
  "a",
  "over",
  "solved",
]);
/** Before "call it", these put the verdict after a check: "before we call it contained". */
const CALL_DEFERRERS = new Set(["before", "until", "if", "once", "when", "not", "dont", "cant"]);
/** Words after "ignore" that leave it without an object: "ignore till monday", "ignore it". */
const IGNORE_TAIL = new Set(["till", "until", "til", "for", "it", "this", "that", "now"]);

/**
 * The words by which the answer writes the alert off instead of checking it — a verdict, not a
 * first move: "cert-manager says Ready so it's fine", "nothing there, probably a blip", "prob a
 * false positive", a bare "ignore" ("fp library broke after the update, ignore"). Not in a question
 * ("is it a false positive?") nor after "if" or "whether" ("whether it's a replay or a glitch").
 */
function writesOffAlert(x: Indexed): string | null {
  const words = x.words;
  for (let k = 0; k < words.length; k++) {
    const w = words[k] as Word;
    if (w.question || w.flag || w.pattern || w.identifier) continue;
    const falsePositive = w.raw === "false" && words[k + 1]?.raw.startsWith("positive") === true;
    const before = words[k - 1];
    if (HARMLESS_NEXT.has(w.raw) && before && before.clause === w.clause && CONCLUDING.has(before.raw) && before.raw !== "as") {
      const negated = NOT_WORDS.has(words[k - 2]?.raw ?? "") && words[k - 2]?.clause === w.clause;
      const conditioned = words.slice(0, k).some((v) => v.sentence === w.sentence && CONDITION_WORDS.has(v.raw));
      if (!negated && !conditioned && !w.question) return `${before.raw} ${w.raw}`;
    }
    if (HARMLESS.has(w.raw) || falsePositive) {
      let concluded = -1;
      let negated = false;
      for (let j = k - 1; j >= 0 && j >= k - CONCLUDING_REACH; j--) {
        const before = words[j] as Word;
        if (before.clause !== w.clause) break;
        if (CONCLUDING.has(before.raw) && concluded < 0) concluded = j;
        // "make sure it isn't just a blip": a doubt to check, not a verdict.
        if (NOT_WORDS.has(before.raw)) negated = true;
      }
      // "so we know it's fine", "so that …": a purpose, not a conclusion.
      const purpose = concluded >= 0 && words[concluded]?.raw === "so" && PURPOSE_AFTER_SO.has(words[concluded + 1]?.raw ?? "");
      // "just" opens a clause of its own, so "isn't just a blip" is looked for right before it too.
      for (const v of concluded >= 0 ? [words[concluded - 1], words[concluded - 2]] : []) {
        if (v && v.sentence === w.sentence && NOT_WORDS.has(v.raw)) negated = true;
      }
      if (negated || purpose) continue;
      // A condition anywhere before it in its sentence makes it a case, not a verdict.
      const conditioned = words.slice(0, k).some((v) => v.sentence === w.sentence && CONDITION_WORDS.has(v.raw));
      if (concluded >= 0 && !conditioned)
        return words
          .slice(concluded, k + (falsePositive ? 2 : 1))
          .map((v) => v.raw)
          .join(" ");
    }
    // "cordon the node and call it contained", "make it private and call it done": the incident
    // declared over. "before we call it theft" asks first.
    if ((w.raw === "call" || w.raw === "calling") && words[k + 1]?.raw === "it" && CALLED_OVER.has(words[k + 2]?.raw ?? "")) {
      const deferred = words.slice(Math.max(0, k - 3), k).some((v) => v.clause === w.clause && CALL_DEFERRERS.has(v.raw));
      if (!deferred && !w.question)
        return words
          .slice(k, k + 3)
          .map((v) => v.raw)
          .join(" ");
    }
    // "case closed", "not an incident", "so we're good", "she's logged out, false positive": the
    // verdict said outright, or standing alone as its clause.
    const verdict = verdictAt(words, k);
    if (verdict !== null) return verdict;
    // A bare "ignore" opening its clause, with no object: the whole alert is ignored.
    if ((w.raw === "ignore" || w.raw === "ignoring") && words[k - 1]?.clause !== w.clause) {
      const next = words[k + 1];
      if (!next || next.clause !== w.clause || IGNORE_TAIL.has(next.raw)) return w.raw;
    }
  }
  return null;
}

/** Verdicts that close the alert whatever comes before them, as raw words ("we're" is "were"). */
const VERDICT_PHRASES: readonly (readonly string[])[] = [
  ["case", "closed"],
  ["not", "an", "incident"],
  ["not", "a", "real", "incident"],
  ["false", "alarm"],
  ["nothing", "to", "see"],
  ["no", "action", "needed"],
  ["no", "action", "required"],
  ["non", "issue"],
  ["nonissue"],
];
/** "we're good", "we're fine": the verdict when "we're" opens its clause ("so we're good"), not a
 * past tense ("the numbers were good"). */
const ALL_CLEAR = new Set(["good", "fine", "ok", "okay", "clear", "safe"]);
/** Words opening a clause before "we're good" that still leave it the verdict. */
const VERDICT_LEAD = new Set(["so", "then", "and", "ok", "okay", "yeah", "yep", "think", "i"]);
/** A clause of only these words around "resolving" or "closing" closes the alert: "resolving",
 * "closing it out", "mark it resolved". */
const CLOSING_VERBS = new Set(["resolving", "resolve", "resolved", "closing", "close", "closed"]);
const CLOSING_CLAUSE = new Set([
  ...CLOSING_VERBS,
  "it",
  "this",
  "out",
  "as",
  "marking",
  "mark",
  "the",
  "alert",
  "ticket",
  "incident",
  "now",
]);
/** Before a verdict in its clause, these make it something to find out: "make sure we're good",
 * "check whether it's a false alarm", "before we call it a non-issue". */
const VERDICT_CHECKERS = new Set([
  "sure",
  "confirm",
  "confirming",
  "check",
  "checking",
  "see",
  "verify",
  "whether",
  "if",
  "until",
  "before",
  "once",
  "when",
  "unless",
  "know",
  "prove",
  "not",
  "isnt",
  // "don't call it case closed yet", "don't assume it's a false alarm", "never a non-issue".
  "dont",
  "never",
  "cant",
  "wont",
  "doubt",
  "rule",
  "ruling",
  // "might be a false alarm but check…": a possibility to check, not the verdict.
  "might",
  "could",
  "maybe",
  "may",
  "possibly",
  "perhaps",
  // "status page says all good but that lags": what another source reports, not the verdict.
  "says",
  "say",
  "said",
  "shows",
  "claims",
  "reports",
]);

/** After a verdict in its clause, these make it a case: "all good if it's one pod", "not an
 * incident until we see live sessions", "no action needed yet". */
const VERDICT_CASES = new Set(["if", "unless", "until", "til", "till", "when", "whether", "once", "yet"]);
/** After "we're good/fine": readiness or a budget, not the verdict ("we're good to go", "we're
 * fine on time till 06:00"). */
const NOT_ALL_CLEAR_AFTER = new Set(["to", "on", "for"]);
const ALL_CLEAR_BUDGET = new Set(["time", "capacity", "budget", "headroom", "space", "disk"]);

/** Verbs of attending to the alert that "later" or "tomorrow" can put off as a whole. */
const POSTPONED_VERBS = new Set(["look", "check", "dig", "investigate", "handle", "deal", "review", "revisit"]);
const POSTPONED_TO = new Set(["later", "tomorrow", "tmrw", "tmr", "monday", "afterwards", "eventually"]);
/** Between the verb and "later", only these: "look at it later", "deal with this tomorrow". */
const POSTPONED_FILLER = new Set(["at", "into", "on", "with", "to", "it", "this", "that", "in"]);
/** Before the verb, only who and when: "will look later", "I'll check it tmrw". "the s3 side I'll
 * check later" puts off one thing, not the response. */
const POSTPONED_LEAD = new Set([
  "i",
  "ill",
  "we",
  "well",
  "will",
  "gonna",
  "going",
  "lets",
  "let",
  "us",
  "can",
  "could",
  "should",
  "shall",
  "just",
  "ok",
  "okay",
  "ack",
  "acked",
  "and",
  "so",
  "then",
  "sure",
  "yeah",
  "yep",
  "k",
]);

/** The words a verdict can start with: a verdict phrase's first word, "we're", "false", a
 * postponed verb, a closing verb. */
const VERDICT_STARTS = new Set([
  ...VERDICT_PHRASES.map((phrase) => phrase[0] ?? ""),
  "were",
  "false",
  ...POSTPONED_VERBS,
  ...CLOSING_VERBS,
]);

/** The verdict starting at word `k`, as the answer words it, or null. */
function verdictAt(words: readonly Word[], k: number): string | null {
  const w = words[k] as Word;
  // Most words start no verdict: nothing more is built for them (this runs for every word).
  if (w.question || !VERDICT_STARTS.has(w.raw)) return null;
  const clauseBefore = (): Word[] => {
    const before: Word[] = [];
    for (let j = k - 1; j >= 0 && words[j]?.clause === w.clause; j--) before.push(words[j] as Word);
    return before;
  };
  const checked = () => clauseBefore().some((v) => VERDICT_CHECKERS.has(v.raw));
  const conditioned = () => words.slice(0, k).some((v) => v.sentence === w.sentence && CONDITION_WORDS.has(v.raw));
  // "all good if it's one pod", "no action needed yet": a case after the verdict in its clause.
  const caseAfter = (n: number) => {
    for (let j = k + n; j < words.length && words[j]?.clause === w.clause; j++) if (VERDICT_CASES.has(words[j]?.raw ?? "")) return true;
    return false;
  };
  const said = (n: number) =>
    words
      .slice(k, k + n)
      .map((v) => v.raw)
      .join(" ");
  for (const phrase of VERDICT_PHRASES) {
    if (!phrase.every((p, i) => words[k + i]?.raw === p && words[k + i]?.clause === w.clause)) continue;
    // "not an incident" is itself the negation; "not all good" is a doubt.
    if ((phrase[0] !== "not" && checked()) || conditioned() || caseAfter(phrase.length)) continue;
    return said(phrase.length);
  }
  if (w.raw === "were" && ALL_CLEAR.has(words[k + 1]?.raw ?? "") && words[k + 1]?.clause === w.clause) {
    const after = words[k + 2]?.clause === w.clause ? words[k + 2] : undefined;
    const readiness =
      after !== undefined && (after.raw === "to" || (NOT_ALL_CLEAR_AFTER.has(after.raw) && ALL_CLEAR_BUDGET.has(words[k + 3]?.raw ?? "")));
    if (clauseBefore().every((v) => VERDICT_LEAD.has(v.raw)) && !conditioned() && !readiness && !caseAfter(2)) return said(2);
  }
  // "…, false positive": the clause is the verdict and nothing else.
  if (w.raw === "false" && words[k + 1]?.raw.startsWith("positive") && words[k + 1]?.clause === w.clause) {
    const rest = words.filter((v) => v.clause === w.clause && v !== w && v !== words[k + 1]);
    if (rest.every((v) => v.filler || v.raw === "so" || v.raw === "prob" || v.raw === "likely") && !conditioned()) return said(2);
  }
  // "will look later", "check it tomorrow": the whole response put off, with nothing named to check.
  if (POSTPONED_VERBS.has(w.raw)) {
    const clause = words.filter((v) => v.clause === w.clause);
    const at = clause.indexOf(w);
    const rest = clause.slice(at + 1);
    const when = rest.findIndex((v) => POSTPONED_TO.has(v.raw));
    // "kubectl get cronjob now, look at it later": something is done now, the rest comes after.
    const doneNow = words
      .slice(0, k)
      .some((v, j) => v.clause !== w.clause && (v.raw === "first" || (v.raw === "now" && words[j - 1]?.raw !== "for")));
    const lead = clause.slice(0, at).every((v) => v.filler || POSTPONED_LEAD.has(v.raw));
    if (when >= 0 && lead && !doneNow && rest.slice(0, when).every((v) => v.filler || POSTPONED_FILLER.has(v.raw)) && !conditioned())
      return [w, ...rest.slice(0, when + 1)].map((v) => v.raw).join(" ");
  }
  // A clause of only "resolving" / "closing it out".
  if (CLOSING_VERBS.has(w.raw) && words[k - 1]?.clause !== w.clause) {
    const clause = words.filter((v) => v.clause === w.clause);
    if (clause.every((v) => CLOSING_CLAUSE.has(v.raw)) && !conditioned()) return clause.map((v) => v.raw).join(" ");
  }
  return null;
}

/** Verbs that promise attention without naming a check: "look into the cert", "investigate the 401s". */
const VAGUE_VERBS: readonly (readonly string[])[] = [
  ["look", "into"],
  ["looking", "into"],
  ["look", "in", "to"],
  ["dig", "into"],
  ["digging", "into"],
  ["dig", "in"],
  ["investigate"],
  ["investigating"],
  ["check", "into"],
  // Watching is not checking: "keep an eye on the provider errors", "monitor the dashboard".
  ["keep", "an", "eye", "on"],
  ["keep", "eye", "on"],
  ["monitor"],
  ["monitoring"],
  ["watch"],
  ["watching"],
  ["wait"],
  ["triage"],
];
/** At most this many content words after the verb for the move to be vague. */
const VAGUE_MAX_WORDS = 4;
/** Anything that makes a short answer specific: a command, query, path, id or number. */
const SPECIFIC = /[\d=|/$`{}?<>]|--|\s-[a-z]/i;

/** Status codes say which errors, not which check: "investigate the 401s" is still vague. */
const STATUS_CODES = /\b[1-5](?:\d\d|xx)s?\b/gi;

/** The answer, when all it says is "look into <a thing>": the move names no check, so a fair
 * peer calls it vague however right the thing is ("look into the provider errors"). */
function vagueMove(answer: string, x: Indexed): string | null {
  if (SPECIFIC.test(answer.replace(STATUS_CODES, ""))) return null;
  const words = x.words;
  let start = 0;
  // "first", "i'd", "lets", "gonna" before the verb.
  while (start < words.length && LEAD_IN.has(words[start]?.raw ?? "")) start++;
  const verb = VAGUE_VERBS.find((v) => rawPhraseAt(words, start, v));
  if (!verb) return null;
  const rest = words.slice(start + verb.length);
  if (rest.some((w) => w.clause !== rest[0]?.clause)) return null;
  if (rest.filter((w) => !w.filler).length > VAGUE_MAX_WORDS) return null;
  return words.map((w) => w.raw).join(" ");
}

/** Moves that hand the incident to someone else: "ask #data-eng", "ping security on-call",
 * "escalate to platform", "open a ticket with paycore", "@identity-team can you look?". */
const HAND_OFF_VERBS = new Set([
  "ask",
  "asking",
  "ping",
  "pinging",
  "slack",
  "dm",
  "email",
  "emailing",
  "message",
  "post",
  "posting",
  "tell",
  "page",
  "paging",
  "escalate",
  "escalating",
  "notify",
  "contact",
  "contacting",
]);

/** How an answer that starts by addressing someone else reads. */
interface Addressed {
  /** It hands the incident away (asks, pages, tells, files a ticket…): wrong unless the responder
   * also moves themselves. */
  handOff: string | null;
  /** It asks someone to run a check ("can someone check which checks were red", "@kai pull the
   * release run"): the right check named is the right first move, marked for review. */
  request: string | null;
}

/** The answer, when its first move is to ask, page or tell someone (unless the rubric's core is
 * itself about telling people, as a Communications role's is), or when it asks someone to run a
 * check. A hand-off next to the responder's own move ("@nina page security; I'm quarantining the
 * pod", "@kai pull the run while I cosign verify the digest") is coordination, not a hand-off: the
 * responder's own move is scored. */
function addressedMove(answer: string, x: Indexed, rubric: CompiledRubric): Addressed {
  if (rubric.communicates) return { handOff: null, request: null };
  const found = handOffStart(answer, x);
  if (found === null) return { handOff: null, request: null };
  if (ownMove(x.words)) return { handOff: null, request: null };
  const whole = x.words.map((w) => w.raw).join(" ");
  return found === "request" ? { handOff: null, request: whole } : { handOff: whole, request: null };
}

/** Verbs that, asked of someone ("can someone check…", "@tom grab the cf output"), name a check to
 * run rather than hand the incident away. Raw words. */
const REQUEST_CHECK_VERBS = new Set([
  "check",
  "confirm",
  "verify",
  "pull",
  "grab",
  "look",
  "run",
  "query",
  "dump",
  "see",
  "find",
  "list",
  "get",
  "show",
  "compare",
  "fetch",
  "describe",
  "inspect",
  "search",
  "eyeball",
  "diff",
  "count",
  "double",
  "take",
  "tail",
  "grep",
  // "can someone paste `gh run list …`": the command's output is asked for.
  "paste",
]);

/** The word asked for after an address ("@kai can you pull…", "can someone check…", "pls run…"):
 * "request" when it is a check verb, "handoff" otherwise. */
function requestKind(words: readonly Word[], from: number): "request" | "handoff" {
  let k = from;
  while (k < words.length && (REQUEST_LEAD.has(words[k]?.raw ?? "") || ASKED.has(words[k]?.raw ?? ""))) k++;
  // "can someone with the read-only DSN check…": who is asked, then the verb asked for.
  if (WHO_QUALIFIERS.has(words[k]?.raw ?? "") && ASKED.has(words[k - 1]?.raw ?? "")) {
    const clause = words[k]?.clause;
    for (let j = k + 1; j <= k + 5 && words[j]?.clause === clause; j++)
      if (REQUEST_CHECK_VERBS.has(words[j]?.raw ?? "") || tellsResult(words, j)) return "request";
  }
  // "@bartek argocd app history catalog-api pls": a command to run is a check asked for.
  return REQUEST_CHECK_VERBS.has(words[k]?.raw ?? "") || COMMAND_TOOLS.has(words[k]?.raw ?? "") || tellsResult(words, k)
    ? "request"
    : "handoff";
}

/** Words that, asked of someone, hold a change back rather than ask for a move. Raw words. */
const HOLD_WORDS = new Set(["hold", "dont", "stop", "pause", "freeze", "wait", "no"]);
/** Hold words that are also changes of their own ("@sam stop the gateway", "pause the cronjob"):
 * a hold only before what is held ("stop any deploys", "pause all reruns", "stop touching it"). */
const HOLD_OR_CHANGE = new Set(["stop", "pause", "freeze"]);
const HELD_CHANGES = new Set(["any", "all", "every", "further", "more", "new"]);
/** After "no", words that hold nothing back: "@sam no idea, can you take it?". */
const NOTHING_HELD = new Set(["idea", "clue", "rush", "worries", "worry", "problem", "pressure"]);

/** Where the answer goes on after an address that holds someone off ("@sam hold any deletes pls —
 * checking …"): the first word after the hold's clause; -1 when the address asks for something
 * else ("@sam hold the fort" hands the incident over, "@sam stop the gateway" asks for a change). */
function afterHold(words: readonly Word[], from: number): number {
  let k = from;
  while (k < words.length && REQUEST_LEAD.has(words[k]?.raw ?? "")) k++;
  const hold = words[k];
  if (hold === undefined || !HOLD_WORDS.has(hold.raw)) return -1;
  const next = words[k + 1];
  if (HOLD_OR_CHANGE.has(hold.raw) && !(next && (HELD_CHANGES.has(next.raw) || next.raw.endsWith("ing")))) return -1;
  if (hold.raw === "hold" && words.slice(k + 1, k + 4).some((w) => w.raw === "fort")) return -1;
  if (hold.raw === "no" && NOTHING_HELD.has(next?.raw ?? "")) return -1;
  while (k < words.length && words[k]?.clause === hold.clause) k++;
  return k;
}

/** "tell us which IAM user owns the key", "tell me if one fingerprint dominates": asks for what a
 * check finds, not for someone to take the incident ("tell platform to fix it" still hands off). */
function tellsResult(words: readonly Word[], at: number): boolean {
  return words[at]?.raw === "tell" && ["us", "me"].includes(words[at + 1]?.raw ?? "") && RESULT_QUESTIONS.has(words[at + 2]?.raw ?? "");
}
const RESULT_QUESTIONS = new Set(["which", "whether", "if", "what", "who", "whose", "how", "when"]);
/** Words that say which someone is asked: "someone with admin", "anyone from platform", "someone who has…". */
const WHO_QUALIFIERS = new Set(["with", "from", "on", "in", "who"]);
/** Command-line tools: a request that opens with one asks for that command to be run. */
const COMMAND_TOOLS = new Set([
  "kubectl",
  "argocd",
  "gh",
  "aws",
  "gcloud",
  "az",
  "psql",
  "openssl",
  "cosign",
  "helm",
  "curl",
  "vault",
  "k9s",
  "crane",
  "jq",
]);
const REQUEST_LEAD = new Set(["can", "could", "would", "pls", "please", "plz", "quickly", "quick", "maybe", "also"]);

/** Words of the @handle that opens an answer ("@platform-oncall", "@jdoe-dev"): how many. */
function handleLength(answer: string): number {
  const m = /^\s*(?:(?:hey|hi|yo)\s+)?@([\p{L}\p{N}_.-]+)/iu.exec(answer);
  if (!m) return -1;
  const greeting = /^\s*(?:hey|hi|yo)\s/i.test(answer) ? 1 : 0;
  return greeting + (m[1] ?? "").split(/[^\p{L}\p{N}]+/u).filter(Boolean).length;
}

/** Words after which a first-person verb is a thought, not a move ("I think", "I'm not sure"). */
const NOT_A_MOVE = new Set([
  "think",
  "guess",
  "suspect",
  "believe",
  "feel",
  "hope",
  "know",
  "bet",
  "wonder",
  "not",
  "on",
  "here",
  "around",
  "back",
  "afk",
  "sure",
  "afraid",
  "ok",
  "fine",
  "the",
  "a",
  "in",
  // "I'll wait for what they say": waiting on others is no move of one's own.
  "wait",
  "waiting",
  // "I'm heading to lunch", "I'm off", "I'm stepping away": leaving is no move either.
  "heading",
  "leaving",
  "stepping",
  "off",
  "out",
  "away",
  "offline",
  "busy",
  "driving",
  // "I've no access", "I've never seen this", "I've been told": no move either.
  "no",
  "never",
  "been",
  "seen",
  "heard",
]);

/** True when the answer says what the responder does themselves: "while I cosign verify the
 * digest", "I'm quarantining x2klp", "I'll check", "let me pull". */
function ownMove(words: readonly Word[]): boolean {
  for (let k = 0; k < words.length; k++) {
    const raw = words[k]?.raw ?? "";
    let verb: Word | undefined;
    if (raw === "i" && words[k + 1]?.raw === "will") verb = words[k + 2];
    else if (raw === "i" && words[k + 1]?.raw === "am") verb = words[k + 2];
    else if (raw === "i" || raw === "im" || raw === "ill" || raw === "ive") verb = words[k + 1];
    else if (raw === "let" && words[k + 1]?.raw === "me") verb = words[k + 2];
    // "I'm on pg_stat_activity for catalog-db" names what the responder is on; "I'm on it" does not.
    if (raw === "im" && verb?.raw === "on" && onSomething(words, k + 2)) return true;
    if (!verb || verb.clause !== words[k]?.clause || NOT_A_MOVE.has(verb.raw)) continue;
    // "I'm <doing>": a progressive, also with one word before it ("I'm also checking", "I'm
    // network-isolating"); "I <verb>", "I'll <verb>", "I've <done>": any word that is not a thought.
    if (raw === "im" && !verb.raw.endsWith("ing") && !progressiveAfterOne(words, k + 2, verb.clause)) continue;
    return true;
  }
  return false;
}

/** "I'm <word> <doing>": the word at `at` is a progressive in the same clause ("also checking",
 * "network-isolating"). */
function progressiveAfterOne(words: readonly Word[], at: number, clause: number): boolean {
  const w = words[at];
  return w !== undefined && w.clause === clause && w.raw.length > 4 && w.raw.endsWith("ing") && !NOT_A_MOVE.has(w.raw);
}

/** After "I'm on": things that are no check ("it", "the call", "lunch", "my way"). */
const ON_NOTHING = new Set([
  "it",
  "this",
  "that",
  "call",
  "bridge",
  "zoom",
  "phone",
  "line",
  "pager",
  "shift",
  "lunch",
  "break",
  "leave",
  "pto",
  "vacation",
  "holiday",
  "way",
  "mobile",
  "my",
  "top",
  "point",
  "board",
]);

/** True when "I'm on" is followed by what the responder looks at ("I'm on pg_stat_activity"). */
function onSomething(words: readonly Word[], at: number): boolean {
  let k = at;
  while (words[k]?.raw === "the") k++;
  const w = words[k];
  return w !== undefined && w.clause === words[at - 1]?.clause && !ON_NOTHING.has(w.raw);
}

/** How the answer opens, when it addresses someone else: a hand-off, a request to run a check, or
 * null when it does not. */
function handOffStart(answer: string, x: Indexed): "handoff" | "request" | null {
  const handle = handleLength(answer);
  if (handle < 0) return openingHandOff(answer, x, 0);
  // "@sam hold any deletes pls — checking the pod's host access": asking someone to hold off hands
  // nothing over; what follows is read like any answer ("@sam no restarts — can you page paycore"
  // still hands off).
  const rest = afterHold(x.words, handle);
  return rest < 0 ? requestKind(x.words, handle) : openingHandOff(answer, x, rest);
}

/** handOffStart for an answer read from word `from` on, past any address. */
function openingHandOff(answer: string, x: Indexed, from: number): "handoff" | "request" | null {
  const words = x.words;
  const whole = () => "handoff" as const;
  // "let paycore know": before "let" is skipped as a lead-in ("let's check").
  if (words[from]?.raw === "let" && words.slice(from + 1, from + 5).some((w) => w.raw === "know")) return whole();
  // "paycore errors? open a ticket with paycore": a question first, then the move.
  let start = from;
  while (start < words.length && words[start]?.question && words.some((w, k) => k > start && !w.question)) start++;
  // After several questions ("running? privileged? which node? posting in channel") the questions
  // were the move; a note on telling people is not a hand-off.
  if (start > from && (words[start - 1]?.sentence ?? 0) - (words[from]?.sentence ?? 0) >= 1) return null;
  // "who's on payments? can someone check the provider panel": asks others (before "can" and
  // "someone" are skipped as lead-ins of the responder's own "can we check…").
  if (ASKING.has(words[start]?.raw ?? "") && ASKED.has(words[start + 1]?.raw ?? "")) return requestKind(words, start);
  while (start < words.length && (LEAD_IN.has(words[start]?.raw ?? "") || GREETINGS.has(words[start]?.raw ?? ""))) start++;
  const first = words[start]?.raw ?? "";
  const next = words.slice(start + 1, start + 6);
  // "POST /api/v1/login" is a request, not a Slack post.
  if (first === "post" && /\bpost\s+\//i.test(answer)) return null;
  if (HAND_OFF_VERBS.has(first)) return whole();
  // "open a ticket with paycore", "raise a jira for platform".
  // "open an AWS support case": the ticket may follow a few words of who it is with.
  if (TICKET_VERBS.has(first) && words.slice(start + 1, start + 6).some((w) => TICKETS.has(w.raw))) return whole();
  // "Created a Jira for the identity team to investigate".
  if (filedForOthers(words, start)) return whole();
  if ((first === "reach" || first === "loop") && (next[0]?.raw === "out" || next[0]?.raw === "in")) return whole();
  // "have the payments team check…", "get someone from payments to look…".
  // ("get the pod spec + owner references" gets a thing: after "get" a person is followed by "to"
  // or "from".)
  if (first === "have" && next.some((w) => PEOPLE.has(w.raw))) return whole();
  if (first === "get" && next.some((w, k) => PEOPLE.has(w.raw) && ["to", "from"].includes(next[k + 1]?.raw ?? ""))) return whole();
  // "can you / could someone check…" asks someone else.
  if ((first === "can" || first === "could") && (next[0]?.raw === "you" || PEOPLE.has(next[0]?.raw ?? "")))
    return requestKind(words, start);
  // "check with data-eng whether…" (but "check with openssl before anyone touches it" uses a tool).
  if (words[start + 1]?.raw === "with") {
    for (const w of words.slice(start + 2, start + 5)) {
      if (WITH_ENDS.has(w.raw) || w.clause !== words[start + 1]?.clause) break;
      if (PEOPLE.has(w.raw)) return whole();
    }
  }
  return justHandsOff(words) || waitsOnOthers(words) || callsEveryoneIn(words) ? whole() : null;
}

/** Calls for everyone rather than a move: "everyone hands on deck", "all hands", "war room now". */
const CALLS_IN: readonly (readonly string[])[] = [
  ["hands", "on", "deck"],
  ["all", "hands"],
  ["war", "room"],
];
/** Before a call-in in its clause, these make it no call: "no need for all hands", "not a war room
 * thing", "not calling all hands yet". */
const NO_CALL_IN = new Set(["no", "not", "nt", "dont", "never", "without", "isnt", "arent", "wont", "cant"]);
/** Right before a call-in (after an article), these make it a place: "post it in the war room". */
const CALL_IN_PLACE = new Set(["in", "into", "to", "on", "at", "from", "via"]);
function callsEveryoneIn(words: readonly Word[]): boolean {
  return words.some((w, k) => {
    if (!CALLS_IN.some((phrase) => rawPhraseAt(words, k, phrase))) return false;
    let before = k - 1;
    while (before >= 0 && ["the", "our", "a"].includes(words[before]?.raw ?? "") && words[before]?.clause === w.clause) before--;
    if (before >= 0 && words[before]?.clause === w.clause && CALL_IN_PLACE.has(words[before]?.raw ?? "")) return false;
    for (let j = k - 1; j >= 0 && words[j]?.clause === w.clause; j--) if (NO_CALL_IN.has(words[j]?.raw ?? "")) return false;
    return true;
  });
}

/** "…and wait for them", "paged security, waiting on them", "lets wait for the owner before doing
 * anything": waiting on other people is handing them the move, unless a condition in its sentence
 * comes first ("if it's theirs, wait for them"). Waiting for a result ("wait for the query") is not. */
function waitsOnOthers(words: readonly Word[]): boolean {
  for (let k = 0; k < words.length; k++) {
    const raw = words[k]?.raw ?? "";
    if ((raw !== "wait" && raw !== "waiting") || !WAIT_FOR.has(words[k + 1]?.raw ?? "")) continue;
    // "checking the dashboard while we wait for them": the wait runs beside one's own check.
    if (words.slice(Math.max(0, k - 3), k).some((w) => w.raw === "while" || w.raw === "meanwhile")) continue;
    // "check the pods, then wait for the search team before restarting anything": the wait comes
    // after one's own move, or holds back a change until the owners answer.
    // Only after a move of one's own stated first (a question to the channel is none).
    const ownMoveFirst = words.slice(0, k).some((w) => w.clause !== words[k]?.clause && !w.question && !w.filler);
    if (ownMoveFirst && words[k - 1]?.raw === "then") continue;
    if (ownMoveFirst && words.slice(k + 2, k + 9).some((w) => w.clause === words[k]?.clause && (w.raw === "before" || w.raw === "if")))
      continue;
    let j = k + 2;
    while (words[j]?.raw === "the" || words[j]?.raw === "our") j++;
    const who = words[j]?.raw ?? "";
    const team = words[j + 1]?.raw === "team" || words[j + 1]?.raw === "oncall";
    if (!OTHERS.has(who) && !PEOPLE.has(who) && !team) continue;
    const sentence = words[k]?.sentence;
    if (words.slice(0, k).some((w) => w.sentence === sentence && CONDITIONS.has(w.raw))) continue;
    return true;
  }
  return false;
}
const WAIT_FOR = new Set(["for", "on", "till", "until"]);
const OTHERS = new Set(["them", "him", "her", "they"]);

/** "…so we're contained, lets just open a ticket for the owner": "just" before a hand-off makes
 * it the whole move, unless a condition in its sentence comes first ("if it's not ours, just open
 * a case"). */
function justHandsOff(words: readonly Word[]): boolean {
  for (let k = 0; k < words.length; k++) {
    if (words[k]?.raw !== "just") continue;
    const verb = words[k + 1]?.raw ?? "";
    const ticket = TICKET_VERBS.has(verb) && words.slice(k + 2, k + 6).some((w) => TICKETS.has(w.raw));
    if (!ticket && !HAND_OFF_VERBS.has(verb) && !filedForOthers(words, k + 1)) continue;
    const sentence = words[k]?.sentence;
    if (words.slice(0, k).some((w) => w.sentence === sentence && CONDITIONS.has(w.raw))) continue;
    return true;
  }
  return false;
}

const GREETINGS = new Set(["hey", "hi", "yo", "hello"]);
const ASKING = new Set(["can", "could", "would"]);
const ASKED = new Set(["you", "u", "someone", "somebody", "anyone", "anybody"]);
/** Where "check with …" stops naming who it is with. */
const WITH_ENDS = new Set(["before", "if", "whether", "to", "and", "so", "that"]);
const TICKET_VERBS = new Set(["open", "raise", "file", "create", "cut", "log", "submit"]);
/** The same, done: "Created a Jira for the identity team to investigate". */
const TICKET_FILED = new Set(["opened", "raised", "filed", "created", "logged", "submitted"]);
/** After a ticket, words that say whom it is for: "a Jira for the identity team", "a case with AWS". */
const TICKET_FOR = new Set(["for", "with", "to"]);

/** True when the word at `at` reports a ticket already filed with or for someone, and that is all the
 * answer says from there: "Created a Jira for the identity team to investigate". Reported before
 * more ("filed a ticket with paycore, checking the split") it is done, like "paged paycore,
 * checking …", and the rest is the move; "opened the case in SOAR and pulled the raw events" and
 * "logged into the console, no ticket yet" file nothing for others. */
function filedForOthers(words: readonly Word[], at: number): boolean {
  const clause = words[at]?.clause;
  if (!TICKET_FILED.has(words[at]?.raw ?? "") || words.slice(at).some((w) => w.clause !== clause)) return false;
  for (let k = at + 1; k <= at + 4; k++) if (TICKETS.has(words[k]?.raw ?? "") && TICKET_FOR.has(words[k + 1]?.raw ?? "")) return true;
  return false;
}
const TICKETS = new Set(["ticket", "jira", "case", "issue", "sr", "servicenow"]);
/** Words that name other people rather than a system. */
const PEOPLE = new Set([
  "someone",
  "somebody",
  "anyone",
  "anybody",
  "team",
  "teams",
  "oncall",
  "owner",
  "owners",
  "folks",
  "people",
  "eng",
  "engineering",
  "dba",
  "dbas",
  "sre",
  "sres",
  "devs",
  "developers",
]);

const LEAD_IN = new Set([
  "first",
  "firstly",
  "id",
  "ill",
  "i",
  "will",
  "would",
  "lets",
  "let",
  "us",
  "gonna",
  "going",
  "to",
  "we",
  "should",
  "can",
  "someone",
  "pls",
  "please",
  "im",
  "ok",
  "so",
]);

/** A stored score of either version as a v2 verdict (old drills keep rendering). The rubric, when
 * known, names the old score's phrase groups. */
export function verdictOf(score: StoredScore, rubric?: RubricInput): FirstMoveVerdict {
  if ("version" in score && score.version === 2) return score;
  const legacy = score as LegacyFirstMoveScore;
  const groups = rubric ? normaliseRubric(rubric).core : [];
  const core = legacy.matched.map((m, i) => ({ concept: conceptTerms(groups[i] ?? `phrase group ${i + 1}`)[0] ?? "", matched: m }));
  return {
    version: 2,
    correct: legacy.correct,
    needsReview: false,
    core,
    supporting: [],
    risky: legacy.forbidden,
    reason: reasonLine(core, [], legacy.forbidden),
  };
}

/** The words a term is matched on, for explanations ("rotate credential"). */
export function termWords(text: string, lexicon: CompiledLexicon): string {
  return phraseStems(text, lexicon.forms).join(" ");
}
