import type { z as Z } from "zod";
import { phraseWords } from "./words.js";
import { onFirstUse, zod } from "./zodOnDemand.js";

// The shared ops lexicon (scenarios/lexicon.yml): groups of interchangeable words and phrases
// ("dash", "dashboard", "grafana"…), so a rubric names a concept in a few words and every
// scenario understands the same vocabulary. A catalog folder's own lexicon.yml extends it.

const GROUP_NAME = /^[a-z0-9][a-z0-9 _'-]{0,59}$/;

/** The lexicon file schema, built on first use (zod loads then: see zodOnDemand.ts). */
function defineLexiconSchema(z: typeof Z) {
  const Phrase = z.union([
    z.string().trim().min(1, "must not be empty").max(80, "keep a phrase to a few words"),
    z.number().transform(String), // 500, 503: status codes written bare
  ]);

  const LexiconSchema = z
    .object({
      groups: z
        .record(z.string(), z.array(Phrase).min(1, "list at least one other word or phrase"))
        .superRefine((groups, ctx) => {
          for (const name of Object.keys(groups)) {
            if (!GROUP_NAME.test(name))
              ctx.addIssue({ code: "custom", path: [name], message: "name a group in lower case, e.g. dashboard or roll back" });
          }
        })
        .describe(
          "Groups of interchangeable words or phrases. The group's name is a member too; a rubric term naming any member matches every member.",
        ),
      forms: z
        .record(z.string().regex(/^[a-z0-9_]+$/, "a single lower-case word"), z.string().regex(/^[a-z0-9_]+$/, "a single lower-case word"))
        .default({})
        .describe(
          "Words the stemmer gets wrong, mapped to the form they are matched as (e.g. containers: container, so that it does not match contain).",
        ),
    })
    .strict();
  return LexiconSchema;
}

export const lexiconSchema = onFirstUse(() => defineLexiconSchema(zod().z));

export type LexiconFile = Z.output<ReturnType<typeof defineLexiconSchema>>;

export interface LexiconPhrase {
  /** Stems of the phrase's content words, matched on adjacent content words of an answer. */
  stems: string[];
  group: string;
}

export interface CompiledLexicon {
  /** Word → matched form, applied before stemming. */
  forms: ReadonlyMap<string, string>;
  /** Phrases by their first stem. */
  phrasesByFirst: ReadonlyMap<string, readonly LexiconPhrase[]>;
  /** Group name → its members as written (the name first). */
  groups: ReadonlyMap<string, readonly string[]>;
  /** For a rubric's names added to a shared lexicon: that lexicon… */
  base?: CompiledLexicon;
  /** …and the first stems of the phrases added (a term touching none compiles as in the base). */
  addedFirstStems?: ReadonlySet<string>;
  /** The added members' words with their stems (typo reading). */
  addedWords?: readonly (readonly [string, string])[];
}

/** Content-word stems of a phrase, as an answer's words would give them. */
export function phraseStems(phrase: string, forms?: ReadonlyMap<string, string>): string[] {
  return phraseWords(phrase, forms).map((w) => w.stem);
}

/** One lexicon from the built-in file and any extensions (later files add to earlier groups). */
export function compileLexicon(files: readonly LexiconFile[]): CompiledLexicon {
  const forms = new Map<string, string>();
  for (const file of files) for (const [word, form] of Object.entries(file.forms)) forms.set(word, form);
  const groups = new Map<string, string[]>();
  for (const file of files) {
    for (const [name, members] of Object.entries(file.groups)) {
      const list = groups.get(name) ?? [name];
      for (const m of members) if (!list.includes(m)) list.push(m);
      groups.set(name, list);
    }
  }
  const phrasesByFirst = new Map<string, LexiconPhrase[]>();
  for (const [group, members] of groups) {
    for (const member of members) {
      const stems = phraseStems(member, forms);
      const first = stems[0];
      if (first === undefined) continue;
      const list = phrasesByFirst.get(first) ?? [];
      if (!list.some((p) => p.group === group && p.stems.join(" ") === stems.join(" "))) list.push({ stems, group });
      phrasesByFirst.set(first, list);
    }
  }
  // Longest phrases first, so "status page" wins over "status".
  for (const list of phrasesByFirst.values()) list.sort((a, b) => b.stems.length - a.stems.length);
  return { forms, phrasesByFirst, groups };
}

/** A map that reads its own entries first, then a base map's: an overlay costs only what it adds. */
class LayeredMap<K, V> implements ReadonlyMap<K, V> {
  private readonly own = new Map<K, V>();
  constructor(private readonly base: ReadonlyMap<K, V>) {}
  set(key: K, value: V): void {
    this.own.set(key, value);
  }
  get(key: K): V | undefined {
    return this.own.has(key) ? this.own.get(key) : this.base.get(key);
  }
  has(key: K): boolean {
    return this.own.has(key) || this.base.has(key);
  }
  get size(): number {
    let size = this.own.size;
    for (const key of this.base.keys()) if (!this.own.has(key)) size++;
    return size;
  }
  *entries(): MapIterator<[K, V]> {
    yield* this.own.entries();
    for (const entry of this.base.entries()) if (!this.own.has(entry[0])) yield entry;
  }
  *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }
  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }
  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }
  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
    for (const [key, value] of this.entries()) callback(value, key, this);
  }
}

const extended = new WeakMap<CompiledLexicon, Map<string, CompiledLexicon>>();

/**
 * The lexicon with one rubric's own names added to its groups (`names: {provider: [paycore,
 * northpay]}`): "only paycore" then matches a term "provider + only" in that rubric alone. Cheap:
 * the base maps are copied (not recompiled) and only the new members are stemmed; rubrics with
 * the same names share one result.
 */
export function extendLexicon(base: CompiledLexicon, names: Readonly<Record<string, readonly string[]>>): CompiledLexicon {
  const key = JSON.stringify(names);
  let byKey = extended.get(base);
  if (!byKey) {
    byKey = new Map();
    extended.set(base, byKey);
  }
  const cached = byKey.get(key);
  if (cached) return cached;
  const groups = new LayeredMap(base.groups);
  const phrasesByFirst = new LayeredMap(base.phrasesByFirst);
  const addedFirstStems = new Set<string>();
  const addedWords: [string, string][] = [];
  for (const [name, members] of Object.entries(names)) {
    const known = groups.get(name);
    const list = [...(known ?? [name])];
    const added = known ? [] : [name];
    for (const m of members) {
      if (list.includes(m)) continue;
      list.push(m);
      added.push(m);
    }
    groups.set(name, list);
    for (const member of added) {
      const words = phraseWords(member, base.forms);
      const stems = words.map((w) => w.stem);
      const first = stems[0];
      if (first === undefined) continue;
      addedFirstStems.add(first);
      for (const w of words) addedWords.push([w.raw, w.stem]);
      const phrases = [...(phrasesByFirst.get(first) ?? [])];
      if (phrases.some((p) => p.group === name && p.stems.join(" ") === stems.join(" "))) continue;
      phrases.push({ stems, group: name });
      phrases.sort((a, b) => b.stems.length - a.stems.length);
      phrasesByFirst.set(first, phrases);
    }
  }
  const result = { forms: base.forms, phrasesByFirst, groups, base: base.base ?? base, addedFirstStems, addedWords };
  byKey.set(key, result);
  return result;
}

/** Problems the schema cannot see: members with no content words, members repeated across a group. */
export function checkLexicon(file: LexiconFile): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const forms = new Map(Object.entries(file.forms));
  for (const [name, members] of Object.entries(file.groups)) {
    if (phraseStems(name, forms).length === 0)
      problems.push({ path: ["groups", name], message: `"${name}" has only filler words (the, of, it…) and can never match` });
    members.forEach((m, i) => {
      if (phraseStems(m, forms).length === 0)
        problems.push({ path: ["groups", name, i], message: `"${m}" has only filler words (the, of, it…) and can never match` });
    });
  }
  return problems;
}
