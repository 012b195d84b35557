import { host } from "./host.js";
import { attempt, type NylonError } from "./errors.js";
import type { OperationOwner } from "./operations.js";
import { Request } from "./request.js";
import { Response } from "./response.js";
import { upgrade, type OpenConnection, type UpgradeOptions, type WebSocketCallbacks } from "./websocket.js";

export type Decision = "unset" | "next" | "end";

/**
 * What every phase can do. A phase that started store operations or outbound calls and returned
 * without deciding waits for them: `next()` or `end()` from their callbacks decides it (and if the
 * last callback returns without deciding, it continues as an undecided phase does).
 */
export class PhaseContext implements OperationOwner {
  /** @internal */ decision: Decision = "unset";
  /** @internal Operations started for this phase whose callbacks have not run yet. */ waiting = 0;
  /** @internal The phase returned `pending`: its decision goes to the host with resume-phase. */ suspended = false;
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
    this.decide("next");
  }
  /** @internal */
  decide(decision: Decision | "failed"): void {
    if (decision !== "failed") this.decision = decision;
    if (!this.suspended) return;
    this.suspended = false;
    // The host refuses when the request is gone (client left, pending timeout): nothing is left to decide.
    attempt(() => host.resumePhase(this.requestId, decision));
  }
  /** @internal */
  started(): void {
    this.waiting++;
  }
  /** @internal */
  finished(thrown?: unknown): void {
    this.waiting--;
    if (thrown !== undefined) {
      host.log("error", `a callback of request ${this.requestId}'s phase failed: ${thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown)}`);
      this.decide("failed");
    } else if (this.waiting === 0 && this.suspended) {
      this.decide(this.decision);
    }
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
    this.decide("end");
  }
  /**
   * Takes the request over as a WebSocket. Returns an error (and sends nothing) when the request is
   * not a valid upgrade, so the plugin can fall back with `next()` or answer itself.
   */
  webSocketUpgrade(callbacks: WebSocketCallbacks, options?: UpgradeOptions): NylonError | null {
    const error = upgrade(this.requestId, callbacks, options, this.registerConnection);
    if (!error) this.decide("end");
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
