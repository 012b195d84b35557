// The configuration schema as JSON Schema, for editors (yaml-language-server) and other tools.
import { z } from "zod";
import { configSchema } from "./schema.js";

export const JSON_SCHEMA_FILE = "schema/nylon.schema.json";

/** JSON Schema of the main configuration file, describing what may be written (input side, defaults included). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }),
    $id: "https://nylon.dev/schema/nylon.schema.json",
    title: "nylon configuration",
  };
}

/** The exact text of the committed schema file. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
