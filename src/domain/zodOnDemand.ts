import { createRequire } from "node:module";
import type * as Zod from "zod";

// zod, required on first use rather than imported with the module: its ~95 files cost about
// 60 ms and 6 MB of heap, and a command that reads only the built-in library (validated once at
// build time, src/catalog/builtinCache.ts) never needs it. Every schema module goes through
// here, so a process that does need zod loads one copy of it.

let loaded: typeof Zod | null = null;

export function zod(): typeof Zod {
  loaded ??= createRequire(import.meta.url)("zod") as typeof Zod;
  return loaded;
}

/** A value built by its first call and kept (a schema, which needs zod). */
export function onFirstUse<T>(build: () => T): () => T {
  let value: { built: T } | null = null;
  return () => {
    value ??= { built: build() };
    return value.built;
  };
}
