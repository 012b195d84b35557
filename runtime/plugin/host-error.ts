import type { ErrorCode } from "../errors.js";

/**
 * An expected failure of a host function. The jco glue turns a thrown object with a `payload` into the
 * WIT `err(host-error)`; a thrown `Error` would instead unwind through the guest, so host functions
 * only ever throw this.
 */
export function hostError(code: ErrorCode, message: string): { payload: { code: string; message: string } } {
  return { payload: { code, message } };
}
