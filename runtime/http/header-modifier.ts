// The built-in middleware RequestHeaderModifier and ResponseHeaderModifier (Nylon section 13).
// Payload: { set: [{name, value}], remove: [name] }, already rendered from templates.
// `set` replaces every existing header of that name, whatever its case (Nylon's response variant
// appended, leaving duplicates - G10); `remove` runs after `set`, as in Nylon. Names are stored
// lower-case. Invalid names or values (CR, LF, NUL...) are refused, never written.
import { z } from "zod";
import { strictObject } from "../config/strict-object.js";
import { NylonError } from "../errors.js";
import { HOST_MANAGED_RESPONSE_HEADERS, headerNameError, headerValueError } from "./header-validation.js";
import { copyHeaders } from "./header-copy.js";

/** The payload's shape: the configuration is checked against it at load, a rendered payload per request. */
export const headerModifierPayloadSchema = strictObject({
  set: z.array(strictObject({ name: z.string(), value: z.string() })).default([]),
  remove: z.array(z.string()).default([]),
});

export type HeaderModifierPayload = z.infer<typeof headerModifierPayloadSchema>;

export type HeaderValue = string | string[] | undefined;

export interface HeaderModifierProblem {
  /** Inside the payload, e.g. ["set", 0, "value"]. */
  path: (string | number)[];
  message: string;
}

/** Invalid names and values of a payload; strings for which `unchecked` is true (templates, before rendering) are skipped. */
export function headerModifierProblems(
  payload: HeaderModifierPayload,
  target: "request" | "response",
  unchecked: (text: string) => boolean = () => false,
): HeaderModifierProblem[] {
  const problems: HeaderModifierProblem[] = [];
  payload.set.forEach(({ name, value }, index) => {
    const nameProblem = unchecked(name) ? null : headerNameError(name);
    if (nameProblem !== null) problems.push({ path: ["set", index, "name"], message: `cannot set ${JSON.stringify(name)}: ${nameProblem}` });
    const valueProblem = unchecked(value) ? null : headerValueError(value);
    if (valueProblem !== null) problems.push({ path: ["set", index, "value"], message: `cannot set ${JSON.stringify(name)}: ${valueProblem}` });
    if (target === "response" && HOST_MANAGED_RESPONSE_HEADERS.has(name.toLowerCase())) {
      problems.push({ path: ["set", index, "name"], message: `cannot set ${name} on a response: the proxy computes it` });
    }
  });
  payload.remove.forEach((name, index) => {
    const problem = unchecked(name) ? null : headerNameError(name);
    if (problem !== null) problems.push({ path: ["remove", index], message: `cannot remove ${JSON.stringify(name)}: ${problem}` });
  });
  return problems;
}

/** Validates a rendered payload; throws NylonError NYLON_E_INVALID_HEADER naming the bad entry. */
export function parseHeaderModifierPayload(payload: unknown, target: "request" | "response"): HeaderModifierPayload {
  const parsed = headerModifierPayloadSchema.safeParse(payload ?? {});
  if (!parsed.success) {
    // The configuration check refuses a wrong shape at load; this only guards direct callers. The message is
    // the first problem in words, never the schema library's JSON.
    const [issue] = parsed.error.issues;
    throw new NylonError("NYLON_E_INVALID_HEADER", `header modifier payload must be {set: [{name, value}], remove: [name]}: ${issue?.path.join(".") || "payload"}: ${issue?.message ?? "invalid"}`);
  }
  const [problem] = headerModifierProblems(parsed.data, target);
  if (problem !== undefined) throw new NylonError("NYLON_E_INVALID_HEADER", problem.message);
  return parsed.data;
}

/** Returns a new header record with the payload applied; `headers` is not changed. */
export function applyHeaderModifier<V extends HeaderValue>(
  headers: Readonly<Record<string, V>>,
  payload: HeaderModifierPayload,
): Record<string, V | string> {
  const out: Record<string, V | string> = copyHeaders(headers);
  for (const { name, value } of payload.set) {
    removeHeader(out, name);
    out[name.toLowerCase()] = value;
  }
  for (const name of payload.remove) removeHeader(out, name);
  return out;
}

/** The same over a Map (the pipeline's response state keeps headers in one). */
export function applyHeaderModifierToMap<V extends HeaderValue>(headers: ReadonlyMap<string, V>, payload: HeaderModifierPayload): Map<string, V | string> {
  return new Map(Object.entries(applyHeaderModifier(Object.fromEntries(headers), payload)));
}

function removeHeader(headers: Record<string, unknown>, name: string): void {
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lower) delete headers[key];
}
