import { host, type Header } from "./host.js";
import type { Callback } from "./store.js";
import { failureOf, startOperation, unexpected } from "./operations.js";
import { decodeUtf8, encodeUtf8 } from "./utf8.js";

export interface FetchInit {
  method?: string;
  headers?: Record<string, string> | Header[];
  body?: string | Uint8Array;
  /** The call's deadline; at most the plugin's `limits.outbound_timeout_ms` (also the default). */
  timeoutMs?: number;
  /** Follow 3xx redirects to hosts that are allowed too (default: no, the 3xx is the answer). */
  followRedirects?: boolean;
}

/** An upstream's answer: any status (a 404 or 500 is an answer, not a failure). */
export class FetchResponse {
  constructor(
    readonly status: number,
    /** Lower-case names, one entry per value. */
    readonly headers: Header[],
    readonly body: Uint8Array,
  ) {}
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  /** The first value of a header (any case), or undefined. */
  header(name: string): string | undefined {
    const lower = name.toLowerCase();
    return this.headers.find((h) => h.name === lower)?.value;
  }
  text(): string {
    return decodeUtf8(this.body);
  }
  json<T = unknown>(): T {
    return JSON.parse(this.text()) as T;
  }
}

function headerList(headers: FetchInit["headers"]): Header[] {
  if (!headers) return [];
  return Array.isArray(headers) ? headers : Object.keys(headers).map((name) => ({ name, value: headers[name]! }));
}

/**
 * Sends an HTTP request to a host the plugin's `allowed_outbound_hosts` lists, like the web's
 * `fetch` but answering through `callback` (after the current callback has returned). A refused
 * host, a timeout, a response over the size limit or a connection failure is the callback's error;
 * started from a request filter, the phase waits for it.
 */
export function fetch(url: string, init: FetchInit, callback: Callback<FetchResponse | null>): void {
  const body = init.body === undefined ? new Uint8Array(0) : typeof init.body === "string" ? encodeUtf8(init.body) : init.body;
  startOperation(
    () =>
      host.httpRequest({
        method: init.method ?? "GET",
        url,
        headers: headerList(init.headers),
        body,
        timeoutMs: init.timeoutMs,
        followRedirects: init.followRedirects ?? false,
      }),
    (result) => {
      const error = failureOf(result) ?? (result.tag === "response" ? null : unexpected(result, "response"));
      callback(error, !error && result.tag === "response" ? new FetchResponse(result.val.status, result.val.headers, result.val.body) : null);
    },
  );
}
