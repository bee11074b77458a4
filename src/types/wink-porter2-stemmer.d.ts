// wink-porter2-stemmer ships no types: one function, word in, stem out.
declare module "wink-porter2-stemmer" {
  /** The Porter2 (Snowball English) stem of one lower-case word. */
  export default function stem(word: string): string;
}
