import { host } from "./host.js";
import { attempt, type NylonError } from "./errors.js";
import { decodeUtf8, encodeUtf8 } from "./utf8.js";

/** A chunked (streamed) response, e.g. server-sent events. */
export class ResponseStream {
  constructor(private readonly req: number) {}
  write(chunk: Uint8Array | string): NylonError | null {
    const bytes = typeof chunk === "string" ? encodeUtf8(chunk) : chunk;
    return attempt(() => host.responseStreamWrite(this.req, bytes)).error;
  }
  end(): NylonError | null {
    return attempt(() => host.responseStreamEnd(this.req)).error;
  }
}

/** The response: built by the plugin (then `ctx.end()`), or the upstream's in later phases. */
export class Response {
  constructor(private readonly req: number) {}
  setStatus(status: number): NylonError | null {
    return attempt(() => host.responseSetStatus(this.req, status)).error;
  }
  /** Sets (replaces) a response header. CR, LF and invalid characters are refused. */
  setHeader(name: string, value: string): NylonError | null {
    return attempt(() => host.responseSetHeader(this.req, name, value)).error;
  }
  removeHeader(name: string): void {
    host.responseRemoveHeader(this.req, name);
  }
  bodyRaw(body: Uint8Array): this {
    host.responseSetBody(this.req, body);
    return this;
  }
  bodyText(text: string): this {
    this.setHeader("Content-Type", "text/plain; charset=utf-8");
    return this.bodyRaw(encodeUtf8(text));
  }
  bodyJSON(value: unknown): this {
    this.setHeader("Content-Type", "application/json");
    return this.bodyRaw(encodeUtf8(JSON.stringify(value)));
  }
  bodyHTML(html: string): this {
    this.setHeader("Content-Type", "text/html; charset=utf-8");
    return this.bodyRaw(encodeUtf8(html));
  }
  /** Sets status (default 302) and Location; the caller still calls `ctx.end()`. */
  redirect(url: string, status = 302): this {
    this.setStatus(status);
    this.setHeader("Location", url);
    return this.bodyRaw(new Uint8Array(0));
  }
  /** The body as it stands in this phase (in the body filter: the upstream's body). */
  readBody(): Uint8Array {
    return host.responseBody(this.req);
  }
  readBodyText(): string {
    return decodeUtf8(this.readBody());
  }
  status(): number {
    return host.responseStatus(this.req);
  }
  headers(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const { name, value } of host.responseHeaders(this.req)) out[name] = value;
    return out;
  }
  bytes(): number {
    return Number(host.responseBytes(this.req));
  }
  /** Milliseconds since the request arrived. */
  duration(): number {
    return Number(host.responseDurationMs(this.req));
  }
  /** The error text of a failed request (logging phase), or "". */
  error(): string {
    return host.responseError(this.req) ?? "";
  }
  /** Starts a streamed response with the status and headers set so far. */
  stream(): { stream: ResponseStream | null; error: NylonError | null } {
    const r = attempt(() => host.responseStreamStart(this.req));
    return { stream: r.error ? null : new ResponseStream(this.req), error: r.error };
  }
}
