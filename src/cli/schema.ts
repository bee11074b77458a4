import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { findConfigFile } from "../catalog/config.js";
import { scenarioJsonSchemaText } from "../domain/jsonSchema.js";
import type { CliIO } from "./io.js";

/** Where the editor schema goes by default: .drillbot/ beside drillbot.yml (or here). */
export const SCHEMA_PATH = ".drillbot/scenario.schema.json";

export function defaultSchemaFile(cwd = process.cwd()): string {
  const config = findConfigFile(cwd);
  return resolve(config ? dirname(config) : cwd, SCHEMA_PATH);
}

/** Writes the scenario JSON Schema; returns the file. */
export function writeSchema(file: string): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, scenarioJsonSchemaText());
  return file;
}

/** `drillbot schema [--out FILE] [--stdout]` */
export function schemaCommand(args: string[], io: CliIO, cwd = process.cwd()): number {
  const { values } = parseArgs({ args, options: { out: { type: "string" }, stdout: { type: "boolean", default: false } } });
  if (values.stdout) {
    io.out(scenarioJsonSchemaText().trimEnd());
    return 0;
  }
  const file = writeSchema(values.out ? resolve(cwd, values.out) : defaultSchemaFile(cwd));
  io.out(`wrote ${file}`);
  io.out("Point a scenario file at it for completion and checks in editors (YAML language server):");
  io.out("  # yaml-language-server: $schema=<path of that file, relative to the scenario file>");
  return 0;
}
