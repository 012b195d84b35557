// The proxy's errors, in one place. Every error has a stable code (NYLON_E_...), and where it reaches a
// client, the HTTP status or WebSocket close code it maps to. Messages say what a person can do.

export interface ErrorSpec {
  /** HTTP status sent to the client when this error ends a request. */
  status?: number;
  /** WebSocket close code when this error ends a connection. */
  closeCode?: number;
  summary: string;
}

export const ERRORS = {
  NYLON_E_CONFIG: { summary: "the configuration is invalid" },
  NYLON_E_CONFIG_READ: { summary: "the configuration file cannot be read" },
  NYLON_E_PLUGIN_LOAD: { summary: "a plugin cannot be loaded" },
  NYLON_E_PLUGIN_CONTRACT: { summary: "a plugin was built for another contract version" },
  NYLON_E_PLUGIN_UNPREPARED: { summary: "a plugin has no prepared glue beside it, and this install has no toolchain to make it" },
  NYLON_E_PLUGIN_FAILED: { status: 500, closeCode: 1011, summary: "a plugin failed while handling an event" },
  NYLON_E_PLUGIN_UNAVAILABLE: { status: 503, closeCode: 1013, summary: "a plugin is being restarted" },
  NYLON_E_BUILD: { summary: "a plugin cannot be built" },
  NYLON_E_NO_TOOLCHAIN: { summary: "the plugin toolchain is not installed (an install without optional dependencies)" },
  NYLON_E_ROUTE_NOT_FOUND: { status: 404, summary: "no route matches the request" },
  NYLON_E_METHOD_NOT_ALLOWED: { status: 405, summary: "the route does not accept this method" },
  NYLON_E_NO_UPSTREAM: { status: 502, summary: "no upstream is available" },
  NYLON_E_UPSTREAM: { status: 502, summary: "the upstream failed" },
  NYLON_E_UPSTREAM_TIMEOUT: { status: 504, summary: "the upstream did not answer in time" },
  NYLON_E_FILE_NOT_FOUND: { status: 404, summary: "no file under the static root answers this path" },
  NYLON_E_RANGE_NOT_SATISFIABLE: { status: 416, summary: "the requested byte range is outside the file, or is not a byte range" },
  NYLON_E_PRECONDITION_FAILED: { status: 412, summary: "an If-Match or If-Unmodified-Since condition of the request is false" },
  NYLON_E_BODY_TOO_LARGE: { status: 413, summary: "the request body is over the configured cap" },
  NYLON_E_BAD_REQUEST: { status: 400, summary: "the request is malformed" },
  NYLON_E_REQUEST_TIMEOUT: { status: 408, summary: "the client did not send the request (headers or body) in time" },
  NYLON_E_EXPECTATION_FAILED: { status: 417, summary: "the request's Expect is not 100-continue" },
  NYLON_E_HEADERS_TOO_LARGE: { status: 431, summary: "the request headers are over the size or count limit" },
  NYLON_E_NOT_IMPLEMENTED: { status: 501, summary: "the request uses a transfer coding nylon does not implement" },
  NYLON_E_HTTP_VERSION: { status: 505, summary: "the request's HTTP version is not 1.0 or 1.1" },
  NYLON_E_INVALID_HEADER: { summary: "a header name or value is invalid" },
  NYLON_E_INVALID_ARGUMENT: { summary: "a host function got an invalid argument" },
  NYLON_E_NOT_UPGRADE: { summary: "the request is not a valid WebSocket upgrade" },
  NYLON_E_UNKNOWN_CONNECTION: { summary: "the connection is unknown, closed, or not owned by this plugin" },
  NYLON_E_WRONG_PHASE: { summary: "the function cannot be used in this phase" },
  NYLON_E_ADAPTER: { summary: "the room adapter failed" },
  NYLON_E_KV_LIMIT: { summary: "a store key or value is over its size limit, or the plugin's store holds as many keys as store.max_keys allows" },
  NYLON_E_KV_UNAVAILABLE: { summary: "the key-value store did not answer (Redis unreachable, or slower than store.timeout_ms)" },
  NYLON_E_OUTBOUND_REFUSED: { summary: "the plugin may not call this host: its allowed_outbound_hosts does not list it" },
  NYLON_E_OUTBOUND_FAILED: { summary: "an outbound call failed (connection refused or reset, too many redirects, an invalid response)" },
  NYLON_E_OUTBOUND_TIMEOUT: { summary: "an outbound call did not complete within its timeout" },
  NYLON_E_OUTBOUND_TOO_LARGE: { summary: "an outbound call's response is over limits.max_outbound_response_bytes" },
  NYLON_E_PENDING_TIMEOUT: { status: 504, summary: "a plugin left the request pending longer than limits.pending_timeout_ms" },
  NYLON_E_INTERNAL: { status: 500, summary: "an unexpected error in the proxy (logged as \"request failed\")" },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export class NylonError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "NylonError";
    this.code = code;
  }
  get status(): number {
    return (ERRORS[this.code] as ErrorSpec).status ?? 500;
  }
  get closeCode(): number {
    return (ERRORS[this.code] as ErrorSpec).closeCode ?? 1011;
  }
}

/** The JSON body of an error response: Nylon's shape, with a stable code. */
export function errorBody(status: number, code: ErrorCode, message: string): string {
  return JSON.stringify({ status, error: code, message });
}
