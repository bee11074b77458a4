import { readFileSync } from "node:fs";
import { loadCatalog } from "../src/cli/catalog.js";
