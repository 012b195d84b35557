import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { configJsonSchema, configJsonSchemaText, JSON_SCHEMA_FILE } from "../../runtime/config/json-schema.js";

// dist/test/config/ -> repository root
const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

describe("published JSON Schema", () => {
  it("the committed schema/nylon.schema.json matches the zod schema (regenerate: node dist/runtime/config/write-json-schema.js)", async () => {
    const committed = await readFile(path.join(repositoryRoot, JSON_SCHEMA_FILE), "utf8");
    assert.equal(committed, configJsonSchemaText());
  });

  it("describes the input side: defaults, closed objects, the plugin type", () => {
    const schema = configJsonSchema() as { additionalProperties: boolean; properties: Record<string, { default?: unknown }> };
    assert.equal(schema.additionalProperties, false);
    assert.equal(schema.properties.header_selector?.default, "x-nylon-proxy");
    assert.match(JSON.stringify(schema.properties.plugins), /"const":"wasm"/);
  });
});
