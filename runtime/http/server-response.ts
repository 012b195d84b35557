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
    const expectsContinue = /100-continue/i.test(this.req.headers.expect ?? "");
    return this.shouldKeepAlive && !(this as UndeclaredState).maxRequestsOnConnectionReached && !(expectsContinue && !this.continued);
  }
}

/**
 * The `ServerResponse` option of http(s).createServer. Cast because @types/node types the option as
 * the generic ServerResponse constructor, which no subclass's construct signature matches.
 */
export const NYLON_SERVER_RESPONSE = NylonServerResponse as unknown as typeof http.ServerResponse;

/** Whether writeHead's optional headers argument (an object or a flat name/value array) names `header`. */
function namesHeader(args: readonly unknown[], header: string): boolean {
  const headers = args.find((arg, i): arg is object => i > 0 && typeof arg === "object" && arg !== null);
  if (Array.isArray(headers)) return headers.some((entry, i) => i % 2 === 0 && String(entry).toLowerCase() === header);
  return headers !== undefined && Object.keys(headers).some((name) => name.toLowerCase() === header);
}
