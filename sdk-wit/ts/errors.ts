import type { HostError } from "./host.js";

/** An expected failure reported by the host (a bad header value, an unknown connection, ...). */
export class NylonError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "NylonError";
    this.code = code;
  }
}

/**
 * Runs a host call whose WIT result is `result<T, host-error>`. The generated bindings throw the
 * error payload; the SDK turns it into a value so plugins never trap on an expected failure.
 */
export function attempt<T>(call: () => T): { value?: T; error: NylonError | null } {
  try {
    return { value: call(), error: null };
  } catch (thrown) {
    return { error: toNylonError(thrown) };
  }
}

export function toNylonError(thrown: unknown): NylonError {
  const payload = (thrown as { payload?: HostError } | null)?.payload;
  if (payload && typeof payload.code === "string") return new NylonError(payload.code, payload.message);
  if (thrown instanceof NylonError) return thrown;
  return new NylonError("NYLON_E_GUEST", thrown instanceof Error ? thrown.message : String(thrown));
}
