// An upstream failure names the endpoint that failed for the operator (the log line), not for the
// client: a 502/504 body carries the endpoint's internal address only when the config asks for it
// (`expose_upstream_address: true`, for development).
import { NylonError, type ErrorCode } from "../errors.js";

export class UpstreamError extends NylonError {
  constructor(
    code: ErrorCode,
    message: string,
    /** "ip:port" of the endpoint that failed. */
    readonly endpoint: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** The message a client is shown for `error`. */
export function clientMessage(error: NylonError, exposeUpstreamAddress: boolean): string {
  return exposeUpstreamAddress && error instanceof UpstreamError ? `${error.message} (endpoint ${error.endpoint})` : error.message;
}
