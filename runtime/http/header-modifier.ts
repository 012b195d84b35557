// The built-in middleware RequestHeaderModifier and ResponseHeaderModifier (Nylon section 13).
// Payload: { set: [{name, value}], remove: [name] }, already rendered from templates.
// `set` replaces every existing header of that name, whatever its case (Nylon's response variant
// appended, leaving duplicates - G10); `remove` runs after `set`, as in Nylon. Names are stored
// lower-case. Invalid names or values (CR, LF, NUL...) are refused, never written.
import { z } from "zod";
import { NylonError } from "../errors.js";
import { HOST_MANAGED_RESPONSE_HEADERS, headerNameError, headerValueError } from "./header-validation.js";

const payloadSchema = z.object({
  set: z.array(z.object({ name: z.string(), value: z.string() })).default([]),
  remove: z.array(z.string()).default([]),
});

export type HeaderModifierPayload = z.infer<typeof payloadSchema>;

export type HeaderValue = string | string[] | undefined;

/** Validates a rendered payload; throws NylonError NYLON_E_INVALID_HEADER naming the bad entry. */
export function parseHeaderModifierPayload(payload: unknown, target: "request" | "response"): HeaderModifierPayload {
  const parsed = payloadSchema.safeParse(payload ?? {});
  if (!parsed.success) {
    throw new NylonError("NYLON_E_INVALID_HEADER", `header modifier payload must be {set: [{name, value}], remove: [name]}: ${parsed.error.message}`);
  }
  for (const { name, value } of parsed.data.set) {
    const problem = headerNameError(name) ?? headerValueError(value);
    if (problem !== null) throw new NylonError("NYLON_E_INVALID_HEADER", `cannot set ${JSON.stringify(name)}: ${problem}`);
    if (target === "response" && HOST_MANAGED_RESPONSE_HEADERS.has(name.toLowerCase())) {
      throw new NylonError("NYLON_E_INVALID_HEADER", `cannot set ${name} on a response: the proxy computes it`);
    }
  }
  for (const name of parsed.data.remove) {
    const problem = headerNameError(name);
    if (problem !== null) throw new NylonError("NYLON_E_INVALID_HEADER", `cannot remove ${JSON.stringify(name)}: ${problem}`);
  }
  return parsed.data;
}

/** Returns a new header record with the payload applied; `headers` is not changed. */
export function applyHeaderModifier<V extends HeaderValue>(
  headers: Readonly<Record<string, V>>,
  payload: HeaderModifierPayload,
): Record<string, V | string> {
  const out: Record<string, V | string> = { ...headers };
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
