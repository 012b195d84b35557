// Regenerates schema/nylon.schema.json from the zod schema: node dist/runtime/config/write-json-schema.js
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { configJsonSchemaText, JSON_SCHEMA_FILE } from "./json-schema.js";

// dist/runtime/config/ -> repository root
const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const target = path.join(repositoryRoot, JSON_SCHEMA_FILE);
await writeFile(target, configJsonSchemaText());
process.stdout.write(`wrote ${target}\n`);
