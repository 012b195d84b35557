import fs from "node:fs";
import { z } from "zod";
import { NylonError } from "../errors.js";
import { loadYamlFile } from "./scenario-yaml.js";

// The YAML scenario format of `nylon test <plugin.wasm> <scenario.yaml>` (docs/testing-plugins.md).

const headers = z.record(z.string(), z.string());
const text = z.union([z.string(), z.number().transform(String)]);

/** A frame as a scenario writes it: text as a plain string, binary as `{ binary_hex: "0102" }`. */
const frame = z.union([z.string(), z.strictObject({ binary_hex: z.string().regex(/^([0-9a-fA-F]{2})*$/, "expected hex bytes") })]);

const requestFields = {
  entry: z.string().min(1),
  path: z.string().startsWith("/").optional(),
  query: z.record(z.string(), text).optional(),
  headers: headers.optional(),
  payload: z.unknown().optional(),
  params: z.record(z.string(), z.string()).optional(),
  client_ip: z.string().optional(),
  /** Which simulated node receives it (1 = the first; 2 adds a second node sharing rooms). */
  node: z.number().int().min(1).max(8).optional(),
};

const failureReason = z.enum(["deadline", "memory", "stack", "trap", "error", "threw", "unavailable"]);

const httpExpect = z.strictObject({
  outcome: z.enum(["ended", "continued", "upgraded", "failed"]).optional(),
  status: z.number().int().optional(),
  /** Headers that must be present with these values (others may be present too). */
  headers: headers.optional(),
  body: z.string().optional(),
  /** The body parsed as JSON must equal this. */
  json: z.unknown().optional(),
  /** Request headers that must reach the upstream. */
  upstream_headers: headers.optional(),
  failed: failureReason.nullable().optional(),
});

/** What the clients should see after a step; frames are those received since the previous check. */
const wsExpect = z.strictObject({
  accepted: z.boolean().optional(),
  /** Client name -> frames received since the last check of that client, in order. */
  received: z.record(z.string(), z.array(frame)).optional(),
  /** Client name -> close code the client saw (null: still open). */
  closed: z.record(z.string(), z.number().int().nullable()).optional(),
  rooms: z.record(z.string(), z.array(z.string())).optional(),
  room_sizes: z.record(z.string(), z.number().int().nonnegative()).optional(),
  failed: failureReason.nullable().optional(),
});

const stepName = { name: z.string().optional() };

const requestStep = z.strictObject({
  ...stepName,
  request: z.strictObject({
    ...requestFields,
    method: z.string().optional(),
    body: z.string().optional(),
    upstream: z.strictObject({ status: z.number().int().optional(), headers: headers.optional(), body: z.string().optional() }).optional(),
  }),
  expect: httpExpect.optional(),
});

const connectStep = z.strictObject({
  ...stepName,
  connect: z.strictObject({ ...requestFields, as: z.string().min(1), protocols: z.array(z.string()).optional() }),
  expect: wsExpect.extend({ status: z.number().int().optional(), body: z.string().optional() }).optional(),
});

const sendStep = z.strictObject({
  ...stepName,
  send: z.union([
    z.strictObject({ as: z.string().min(1), text: text }),
    z.strictObject({ as: z.string().min(1), binary_hex: z.string().regex(/^([0-9a-fA-F]{2})*$/, "expected hex bytes") }),
  ]),
  expect: wsExpect.optional(),
});

const closeStep = z.strictObject({
  ...stepName,
  close: z.strictObject({ as: z.string().min(1), code: z.number().int().optional(), reason: z.string().optional() }),
  expect: wsExpect.optional(),
});

const advanceStep = z.strictObject({
  ...stepName,
  /** Milliseconds to move the plugin's clock; timers that fall due run. */
  advance_ms: z.number().int().nonnegative(),
  expect: wsExpect.optional(),
});

const step = z.union([requestStep, connectStep, sendStep, closeStep, advanceStep], {
  error: "expected a step with one of: request, connect, send, close, advance_ms",
});

export const scenarioSchema = z.strictObject({
  name: z.string().optional(),
  /** The plugin's `config`, as in the proxy's YAML. */
  config: z.unknown().optional(),
  limits: z.strictObject({ memory_mb: z.number().int().positive().optional(), deadline_ms: z.number().int().positive().optional() }).optional(),
  steps: z.array(step).min(1, "a scenario needs at least one step"),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioStep = Scenario["steps"][number];
export type ExpectedFrame = z.infer<typeof frame>;

/** Reads and validates a scenario file; problems name the file and the path inside it. */
export function loadScenario(file: string): Scenario {
  if (!fs.existsSync(file)) throw new NylonError("NYLON_E_CONFIG_READ", `scenario ${file}: no such file`);
  const parsed = scenarioSchema.safeParse(loadYamlFile(file));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(top)"}: ${i.message}`).join("\n");
    throw new NylonError("NYLON_E_CONFIG", `scenario ${file} is invalid:\n${problems}`);
  }
  return parsed.data;
}
