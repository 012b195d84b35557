import { isIP } from "node:net";
import { z } from "zod";
import { ConfigError, type ConfigIssue } from "../config/config-error.js";
import { sortIssues } from "../config/load.js";
import { readInputFile } from "../config/read-input-file.js";
import { describeSchemaIssue, schemaIssues } from "../config/schema-issues.js";
import { MAX_PLUGIN_DEADLINE_MS, MAX_PLUGIN_MEMORY_MB } from "../config/schema.js";
import { strictObject } from "../config/strict-object.js";
import { closestMatch } from "../config/suggest.js";
import { issueAt, parseYamlSource, type YamlSource } from "../config/yaml-source.js";
import { headerNameError, headerValueError, methodError } from "../http/header-validation.js";
import { checkScenarioClients } from "./scenario-clients.js";

// The YAML scenario format of `nylon test <plugin.wasm> <scenario.yaml>` (docs/testing-plugins.md). It is
// read like a configuration: the same input limits, problems at file:line:column with their key path,
// unknown keys with a did-you-mean, values checked as the proxy would check them on the wire.

/** A header map whose names are tokens and whose values could be sent (no CR, LF, NUL). */
const headers = z.record(z.string(), z.string()).superRefine((map, context) => {
  for (const [name, value] of Object.entries(map)) {
    const problem = headerNameError(name) ?? headerValueError(value);
    if (problem !== null) context.addIssue({ code: "custom", path: [name], message: problem });
  }
});
const text = z.union([z.string(), z.number().transform(String)]);
const statusCode = z.number().int().min(100, "expected an HTTP status from 100 to 599").max(599, "expected an HTTP status from 100 to 599");
const hexBytes = z.string().regex(/^([0-9a-fA-F]{2})*$/, "expected hex bytes");

/** A frame as a scenario writes it: text as a plain string, binary as `{ binary_hex: "0102" }`. */
const frame = z.union([z.string(), strictObject({ binary_hex: hexBytes })]);

/**
 * Close codes a client may send (RFC 6455 §7.4): 1000–1003, 1007–1014, 3000–4999. 1004–1006 and 1015 are
 * reserved and never sent; the rest are unassigned.
 */
function isSendableCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && ![1004, 1005, 1006].includes(code)) || (code >= 3000 && code <= 4999);
}

const requestFields = {
  entry: z.string().min(1),
  path: z.string().startsWith("/", 'expected a path starting with "/"').optional(),
  query: z.record(z.string(), text).optional(),
  headers: headers.optional(),
  payload: z.unknown().optional(),
  params: z.record(z.string(), z.string()).optional(),
  client_ip: z.string().refine((ip) => isIP(ip) !== 0, "expected an IP address such as 192.0.2.7 or 2001:db8::1").optional(),
  /** Which simulated node receives it (1 = the first; 2 adds a second node sharing rooms). */
  node: z.number().int().min(1).max(8).optional(),
};

/** The plugin's store keys after the step: a value (as text), or null for a key that must be absent. */
const storeExpect = z.record(z.string(), z.string().nullable());

const failureReason = z.enum(["deadline", "memory", "stack", "trap", "error", "threw", "unavailable"]);

const httpExpect = strictObject({
  outcome: z.enum(["ended", "continued", "upgraded", "failed"]).optional(),
  status: statusCode.optional(),
  /** Headers that must be present with these values (others may be present too). */
  headers: headers.optional(),
  body: z.string().optional(),
  /** The body parsed as JSON must equal this. */
  json: z.unknown().optional(),
  /** Request headers that must reach the upstream. */
  upstream_headers: headers.optional(),
  failed: failureReason.nullable().optional(),
  store: storeExpect.optional(),
});

/** What the clients should see after a step; frames are those received since the previous check. */
const wsExpectFields = {
  accepted: z.boolean().optional(),
  /** Client name -> frames received since the last check of that client, in order. */
  received: z.record(z.string(), z.array(frame)).optional(),
  /** Client name -> close code the client saw (null: still open). */
  closed: z.record(z.string(), z.number().int().nullable()).optional(),
  rooms: z.record(z.string(), z.array(z.string())).optional(),
  room_sizes: z.record(z.string(), z.number().int().nonnegative()).optional(),
  failed: failureReason.nullable().optional(),
  store: storeExpect.optional(),
};
const wsExpect = strictObject(wsExpectFields);

const stepName = { name: z.string().optional() };

const requestStep = strictObject({
  ...stepName,
  request: strictObject({
    ...requestFields,
    method: z.string().refine((method) => methodError(method) === null, "expected an HTTP method such as GET (a token: no spaces)").optional(),
    body: z.string().optional(),
    upstream: strictObject({ status: statusCode.optional(), headers: headers.optional(), body: z.string().optional() }).optional(),
  }),
  expect: httpExpect.optional(),
});

const connectStep = strictObject({
  ...stepName,
  connect: strictObject({ ...requestFields, as: z.string().min(1), protocols: z.array(z.string()).optional() }),
  expect: strictObject({ ...wsExpectFields, status: statusCode.optional(), body: z.string().optional() }).optional(),
});

const sendStep = strictObject({
  ...stepName,
  send: z.union([strictObject({ as: z.string().min(1), text: text }), strictObject({ as: z.string().min(1), binary_hex: hexBytes })], {
    error: "expected { as: <client>, text: ... } or { as: <client>, binary_hex: ... }",
  }),
  expect: wsExpect.optional(),
});

const closeStep = strictObject({
  ...stepName,
  close: strictObject({
    as: z.string().min(1),
    code: z.number().int().refine(isSendableCloseCode, "expected a close code a client may send: 1000-1003, 1007-1014 or 3000-4999 (RFC 6455 §7.4)").optional(),
    /** A close frame carries at most 125 bytes, two of them the code. */
    reason: z.string().refine((reason) => Buffer.byteLength(reason) <= 123, "a close reason is at most 123 bytes (RFC 6455 §5.5)").optional(),
  }),
  expect: wsExpect.optional(),
});

const advanceStep = strictObject({
  ...stepName,
  /** Milliseconds to move the plugin's clock; timers that fall due run. */
  advance_ms: z.number().int().nonnegative(),
  expect: wsExpect.optional(),
});

const STEP_KINDS = ["request", "connect", "send", "close", "advance_ms"];

/** What a step that matches no kind is missing, with a did-you-mean for a misspelt kind. */
function stepKindMessage(input: unknown): string {
  const kinds = `one of: ${STEP_KINDS.join(", ")}`;
  if (input === null || typeof input !== "object" || Array.isArray(input)) return `expected a step: a mapping with ${kinds}`;
  const keys = Object.keys(input).filter((key) => key !== "name" && key !== "expect");
  const present = keys.filter((key) => STEP_KINDS.includes(key));
  if (present.length > 1) return `a step does one thing, this one has ${present.join(" and ")}: make them separate steps`;
  for (const key of keys) {
    const meant = closestMatch(key, STEP_KINDS);
    if (meant !== undefined) return `unknown key "${key}" (did you mean "${meant}"?)`;
  }
  return `expected a step with ${kinds}${keys.length > 0 ? ` (got ${keys.join(", ")})` : ""}`;
}

const step = z.union([requestStep, connectStep, sendStep, closeStep, advanceStep], { error: (issue) => stepKindMessage(issue.input) });

/** A canned answer to the plugin's outbound calls (runtime/harness/harness-outbound.ts). */
const httpStub = strictObject({
  request: strictObject({
    method: z.string().regex(/^[A-Za-z]+$/, "expected an HTTP method such as GET").optional(),
    url: z.string().refine((url) => URL.canParse(url.endsWith("*") ? url.slice(0, -1) : url), 'expected an absolute URL such as "http://auth.test/check" (a trailing * matches every URL it starts)'),
  }),
  response: strictObject({ status: z.number().int().min(100).max(599).optional(), headers: headers.optional(), body: z.string().optional() }).optional(),
  /** The call fails with NYLON_E_OUTBOUND_FAILED and this message, as a refused connection would. */
  fail: z.string().optional(),
  delay_ms: z.number().int().nonnegative().optional(),
}).refine((stub) => (stub.response === undefined) !== (stub.fail === undefined), { message: 'a stub has either "response" or "fail"', path: ["response"] });

export const scenarioSchema = strictObject({
  name: z.string().optional(),
  /** The plugin's `config`, as in the proxy's YAML. */
  config: z.unknown().optional(),
  /** The same ranges as a plugin's limits in the configuration. */
  limits: strictObject({
    memory_mb: z.number().int().min(1).max(MAX_PLUGIN_MEMORY_MB, `must be at most ${MAX_PLUGIN_MEMORY_MB} (4 GiB)`).optional(),
    deadline_ms: z.number().int().min(1).max(MAX_PLUGIN_DEADLINE_MS, `must be at most ${MAX_PLUGIN_DEADLINE_MS}`).optional(),
    pending_timeout_ms: z.number().int().positive().optional(),
    outbound_timeout_ms: z.number().int().positive().optional(),
  }).optional(),
  /** As in the plugin's config: where it may call. */
  allowed_outbound_hosts: z.array(z.string()).optional(),
  http_stubs: z.array(httpStub).optional(),
  /** Keys in the plugin's store before the first step (values as text). */
  store: z.record(z.string(), z.string()).optional(),
  steps: z.array(step).min(1, "a scenario needs at least one step"),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioStep = Scenario["steps"][number];
export type ExpectedFrame = z.infer<typeof frame>;

function refuse(issues: ConfigIssue[], code: "NYLON_E_CONFIG" | "NYLON_E_CONFIG_READ" = "NYLON_E_CONFIG"): never {
  throw new ConfigError(sortIssues(issues, [issues[0]?.file ?? ""]), code, "scenario");
}

/** Parses and checks a scenario's text; problems carry the file's line and column. */
export function parseScenario(file: string, text: string): Scenario {
  const { source, issues } = parseYamlSource(file, text);
  if (issues.length > 0) refuse(issues);
  const parsed = scenarioSchema.safeParse(source.data, { error: describeSchemaIssue });
  if (!parsed.success) refuse(schemaIssues(source, parsed.error));
  const clientIssues = checkScenarioClients(parsed.data, (path, message, options) => issueAt(source as YamlSource, path, message, options));
  if (clientIssues.length > 0) refuse(clientIssues);
  return parsed.data;
}

/**
 * Reads and checks a scenario file.
 * @throws ConfigError (NYLON_E_CONFIG_READ when the file cannot be read, NYLON_E_CONFIG otherwise)
 */
export function loadScenario(file: string): Scenario {
  const { text, issue } = readInputFile(file, "scenario");
  if (issue !== undefined) refuse([issue], issue.line === 0 ? "NYLON_E_CONFIG_READ" : "NYLON_E_CONFIG");
  return parseScenario(file, text);
}
