import { host } from "./host.js";
import type { NylonError } from "./errors.js";
import { Request } from "./request.js";
import { Response } from "./response.js";
import { upgrade, type OpenConnection, type UpgradeOptions, type WebSocketCallbacks } from "./websocket.js";

export type Decision = "unset" | "next" | "end";

/** What every phase can do. */
export class PhaseContext {
  /** @internal */ decision: Decision = "unset";
  constructor(
    /** The host's handle of this request. */
    readonly requestId: number,
  ) {}
  request(): Request {
    return new Request(this.requestId);
  }
  response(): Response {
    return new Response(this.requestId);
  }
  /** The middleware's payload from the config, with its `${...}` templates rendered for this request. */
  getPayload<T = unknown>(): T | undefined {
    const text = host.getPayload(this.requestId);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }
  /** Continue with the next middleware or the service. */
  next(): void {
    this.decision = "next";
  }
  setResponseHeader(name: string, value: string): NylonError | null {
    return this.response().setHeader(name, value);
  }
  removeResponseHeader(name: string): void {
    this.response().removeHeader(name);
  }
}

export class PhaseRequestFilter extends PhaseContext {
  constructor(
    requestId: number,
    private readonly registerConnection: (conn: OpenConnection) => void,
  ) {
    super(requestId);
  }
  /** Send the response built with `response()` and stop the chain. */
  end(): void {
    this.decision = "end";
  }
  /**
   * Takes the request over as a WebSocket. Returns an error (and sends nothing) when the request is
   * not a valid upgrade, so the plugin can fall back with `next()` or answer itself.
   */
  webSocketUpgrade(callbacks: WebSocketCallbacks, options?: UpgradeOptions): NylonError | null {
    const error = upgrade(this.requestId, callbacks, options, this.registerConnection);
    if (!error) this.decision = "end";
    return error;
  }
}

export class PhaseResponseFilter extends PhaseContext {
  setResponseStatus(status: number): NylonError | null {
    return this.response().setStatus(status);
  }
  getRequestHeader(name: string): string {
    return this.request().header(name);
  }
  getRequestHeaders(): Record<string, string> {
    return this.request().headers().getAll();
  }
}

export class PhaseResponseBodyFilter extends PhaseContext {}
export class PhaseLogging extends PhaseContext {}

/** The handlers one entry registers for one request (closures may keep per-request state). */
export class PhaseHandler {
  /** @internal */ handlers: {
    requestFilter?: (ctx: PhaseRequestFilter) => void;
    responseFilter?: (ctx: PhaseResponseFilter) => void;
    responseBodyFilter?: (ctx: PhaseResponseBodyFilter) => void;
    logging?: (ctx: PhaseLogging) => void;
  } = {};
  constructor(readonly requestId: number) {}
  requestFilter(fn: (ctx: PhaseRequestFilter) => void): void {
    this.handlers.requestFilter = fn;
  }
  responseFilter(fn: (ctx: PhaseResponseFilter) => void): void {
    this.handlers.responseFilter = fn;
  }
  responseBodyFilter(fn: (ctx: PhaseResponseBodyFilter) => void): void {
    this.handlers.responseBodyFilter = fn;
  }
  logging(fn: (ctx: PhaseLogging) => void): void {
    this.handlers.logging = fn;
  }
}
