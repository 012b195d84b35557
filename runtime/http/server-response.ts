// The response class of every nylon listener: Node's, without the `Keep-Alive` header.
//
// Node adds "Connection: keep-alive" and "Keep-Alive: timeout=N" to every response on a persistent
// connection (OutgoingMessage._storeHeader, when the response has no Connection header of its own).
// Keep-Alive is an HTTP/1.0 extension that HTTP/1.1 never defined (RFC 9112 appendix C.2.2); REDbot
// flags it, and in HTTP/1.1 persistence is the default, so neither header is needed. Node's documented
// way to send neither is `removeHeader("connection")`: the connection then persists exactly as Node
// decided. That is done only while the connection persists; when it ends after this response Node
// still says "Connection: close", which clients rely on. An HTTP/1.0 client that asked for keep-alive
// gets "Connection: keep-alive" (its only way to know) and no Keep-Alive header either.
import http from "node:http";

/** OutgoingMessage state that @types/node does not declare (set by Node's server before 'request'). */
interface UndeclaredState {
  maxRequestsOnConnectionReached?: boolean;
}

export class NylonServerResponse extends http.ServerResponse {
  /** A 100 Continue went out (Node sends it itself when no 'checkContinue' listener is set). */
  private continued = false;

  override writeContinue(callback?: () => void): void {
    this.continued = true;
    super.writeContinue(callback);
  }

  // Node's _implicitHeader (a write or end before writeHead) calls it too.
  override writeHead(statusCode: number, statusMessage?: string, headers?: http.OutgoingHttpHeaders | http.OutgoingHttpHeader[]): this;
  override writeHead(statusCode: number, headers?: http.OutgoingHttpHeaders | http.OutgoingHttpHeader[]): this;
  override writeHead(...args: unknown[]): this {
    if (this.persists() && !this.hasHeader("connection") && !namesHeader(args, "connection")) {
      if (this.req.httpVersionMinor >= 1) this.removeHeader("connection");
      else if (this.hasHeader("content-length") || namesHeader(args, "content-length")) this.setHeader("connection", "keep-alive");
    }
    return (super.writeHead as (...all: unknown[]) => this)(...args);
  }

  /** Whether Node will keep the connection open after this response (the checks of writeHead and _storeHeader). */
  private persists(): boolean {
    const expect = this.req.headers.expect;
    const expectsContinue = expect !== undefined && /100-continue/i.test(expect);
    return this.shouldKeepAlive && !(this as UndeclaredState).maxRequestsOnConnectionReached && !(expectsContinue && !this.continued);
  }
}

/**
 * The `ServerResponse` option of http(s).createServer. Cast because @types/node types the option as
 * the generic ServerResponse constructor, which no subclass's construct signature matches.
 */
export const NYLON_SERVER_RESPONSE = NylonServerResponse as unknown as typeof http.ServerResponse;

/**
 * Whether writeHead's optional headers argument (an object or a flat name/value array) names `header`.
 * Runs on every response: loops, no callbacks or key arrays, and a name is lower-cased only when its
 * length matches.
 */
function namesHeader(args: readonly unknown[], header: string): boolean {
  for (let i = 1; i < args.length; i++) {
    const headers = args[i];
    if (typeof headers !== "object" || headers === null) continue;
    if (Array.isArray(headers)) {
      for (let j = 0; j < headers.length; j += 2) if (String(headers[j]).toLowerCase() === header) return true;
      return false;
    }
    for (const name in headers) {
      if (Object.hasOwn(headers, name) && name.length === header.length && name.toLowerCase() === header) return true;
    }
    return false;
  }
  return false;
}
