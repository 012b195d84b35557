import { host } from "./host.js";
import { attempt, type NylonError } from "./errors.js";
import { queryValue } from "./utf8.js";

/** Request headers: names are case-insensitive. */
export class Headers {
  private readonly map = new Map<string, string>();
  constructor(pairs: { name: string; value: string }[]) {
    for (const { name, value } of pairs) {
      const key = name.toLowerCase();
      const prev = this.map.get(key);
      this.map.set(key, prev === undefined ? value : `${prev}, ${value}`);
    }
  }
  /** The header's value, or "" when absent. */
  get(name: string): string {
    return this.map.get(name.toLowerCase()) ?? "";
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  getAll(): Record<string, string> {
    return Object.fromEntries(this.map);
  }
}

/** The client's request, as the host sees it in the current phase. */
export class Request {
  constructor(private readonly req: number) {}
  url(): string {
    return host.requestUrl(this.req);
  }
  path(): string {
    return host.requestPath(this.req);
  }
  /** The raw query string, without "?". */
  query(): string {
    return host.requestQuery(this.req);
  }
  /** One query parameter, decoded, or "" when absent. */
  queryParam(name: string): string {
    return queryValue(this.query(), name) ?? "";
  }
  params(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const { name, value } of host.requestParams(this.req)) out[name] = value;
    return out;
  }
  /** One header's value, or "" when the request does not carry it. */
  header(name: string): string {
    return host.requestHeader(this.req, name) ?? "";
  }
  headers(): Headers {
    return new Headers(host.requestHeaders(this.req));
  }
  method(): string {
    return host.requestMethod(this.req);
  }
  host(): string {
    return host.requestHost(this.req);
  }
  clientIP(): string {
    return host.requestClientIp(this.req);
  }
  /** The whole request body. Over the configured cap it is an error (the client gets 413). */
  rawBody(): { body: Uint8Array; error: NylonError | null } {
    const r = attempt(() => host.requestBody(this.req));
    return { body: r.value ?? new Uint8Array(0), error: r.error };
  }
  bytes(): number {
    return Number(host.requestBytes(this.req));
  }
  /** Milliseconds since the epoch when the request arrived. */
  timestamp(): number {
    return Number(host.requestTimestampMs(this.req));
  }
  /** Sets a header on the request that goes upstream. */
  setHeader(name: string, value: string): NylonError | null {
    return attempt(() => host.requestSetHeader(this.req, name, value)).error;
  }
  removeHeader(name: string): void {
    host.requestRemoveHeader(this.req, name);
  }
}
