// What every service (upstream proxy, static files, plugin service) hands back to the pipeline, which
// runs the response filters on it and then writes it to the client.
import type { Readable } from "node:stream";
import { errorBody, type NylonError } from "../errors.js";

export interface ServiceResponse {
  status: number;
  /** Lower-case header name -> value(s), exactly as they should reach the client. */
  headers: Record<string, string | string[]>;
  /** Streamed (upstream body, file stream), buffered (local answers) or absent (HEAD, 304). */
  body: Readable | Buffer | null;
}

/** The JSON error answer for a NylonError, with Content-Type (Nylon sent none). */
export function errorResponse(
  error: NylonError,
  headers: Readonly<Record<string, string | undefined>> = {},
  message = error.message,
): ServiceResponse {
  const body = Buffer.from(errorBody(error.status, error.code, message));
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = value;
  out["content-type"] = "application/json";
  out["content-length"] = String(body.length);
  return { status: error.status, headers: out, body };
}
