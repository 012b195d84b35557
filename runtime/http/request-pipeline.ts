import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { Readable, type Duplex } from "node:stream";
import { errorBody, NylonError } from "../errors.js";
import type { Phase } from "../plugin/guest-exports.js";
import { applyHeaderModifier, applyHeaderModifierToMap, parseHeaderModifierPayload } from "./header-modifier.js";
import { replaceWithError, runPluginPhase, runResponseSidePhase, renderStepPayload, type MiddlewareStep } from "./middleware-step.js";
import { forward, type ForwardRequest } from "./proxy-service.js";
import { headerRecord, mergeHeaders } from "./header-copy.js";
import type { ProxyState } from "./proxy-state.js";
import { createRequestContext } from "./create-request-context.js";
import type { RequestContext } from "./request-context.js";
import { httpResponseWriter, socketResponseWriter, type ResponseWriter } from "./response-writer.js";
import type { RouteMatch } from "./router.js";
import { errorResponse, type ServiceResponse } from "./service-response.js";
import { tunnelUpgrade, type TunnelEvents } from "./ws-tunnel.js";
import type { Route } from "../config/schema.js";
import { logBareRequest, logRequest, logTunnelSession, logWebSocketSession } from "../observe/access-log.js";
import { NO_REQUEST_OBSERVER, type RequestObserver } from "../observe/request-observer.js";
import { httpsRedirect } from "./https-redirect.js";
import { watchRequestBody } from "./body-watchdog.js";
import { peerAddress } from "./client-address.js";
import { answeredStatus, clientErrorAnswer, closeAfterThisAnswer, failConnection, isClosing, requestBeingReceived } from "./client-failure.js";
import { readClientRequest, type ClientRequest } from "./client-request.js";
import { isFinalRecipient, optionsAnswer, traceAnswer } from "./max-forwards.js";
import { IMPLICIT_METHODS } from "./path-trie.js";
import { clientMessage, UpstreamError } from "./upstream-error.js";

type PluginStep = Extract<MiddlewareStep, { kind: "plugin" }>;

/**
 * What counting a request in the metrics needs, kept from its arrival: the crash path has no Flow,
 * and a request is counted once whichever of finish(), a tunnel or the crash path gets there first.
 */
interface Tally {
  readonly startedHr: bigint;
  /** The matched route's name once known, "" until then (and when none matched). */
  route: string;
  counted: boolean;
}

interface Flow {
  ctx: RequestContext;
  req: IncomingMessage;
  writer: ResponseWriter;
  steps: readonly MiddlewareStep[];
  /** Plugin steps that took part, for logging and end-of-request. */
  plugins: Set<PluginStep>;
  /** The plugin service's entry, when the service is a plugin: it gets the logging phase too. */
  serviceStep?: PluginStep;
  upgrade: { socket: Duplex; head: Buffer } | null;
  /** What nylon took from the client (client-request.ts); null for a request refused before routing. */
  client: ClientRequest | null;
  /** The request body went to the upstream (it was not, or not all, read by nylon). */
  bodyForwarded?: boolean;
  /** Set once nylon starts taking the body (startBody); aborts the upstream request when the upstream stops reading it. */
  upload?: AbortController;
  tally: Tally;
}

/**
 * The way a request walks: route -> request filters -> service -> response filters -> body filters
 * -> client -> logging. Reads the current ProxyState once per request, so a reload never mixes two
 * configurations in one request.
 */
export class RequestPipeline {
  constructor(
    private readonly current: () => ProxyState,
    private readonly observer: RequestObserver = NO_REQUEST_OBSERVER,
  ) {}

  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    if (isClosing(req.socket)) return; // pipelined behind a refusal: never run (client-failure.ts)
    const state = this.current();
    const tally = newTally();
    const writer = httpResponseWriter(res);
    this.run(state, req, writer, null, tally).catch((err) => this.crash(state, err, req, writer, tally));
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (isClosing(socket)) {
      socket.destroy();
      return;
    }
    const state = this.current();
    socket.on("error", () => socket.destroy());
    const tally = newTally();
    const writer = socketResponseWriter(socket);
    this.run(state, req, writer, { socket, head }, tally).catch((err) => this.crash(state, err, req, writer, tally));
  }

  /** CONNECT asks for a tunnel to any host: 405, logged like any answer. */
  handleConnect(req: IncomingMessage, socket: Duplex): void {
    const state = this.current();
    const tally = newTally();
    socket.on("error", () => socket.destroy());
    const error = new NylonError("NYLON_E_METHOD_NOT_ALLOWED", "CONNECT is not served: nylon is a reverse proxy, not a forward proxy");
    failConnection(socket, null, error, { allow: IMPLICIT_METHODS.join(", ") }, (bytes) => {
      const seconds = this.count(tally, "CONNECT", error.status);
      if (!state.accessLog) return;
      logBareRequest(state.logger, { route: "", method: "CONNECT", url: req.url ?? "-", status: error.status, bytes, seconds, client: state.clientAddress.of(req) });
    });
  }

  /**
   * Node's parser refused the bytes, or the headers did not arrive in time: the answer goes on the
   * raw socket after those of the requests before it (client-failure.ts). When the failure broke
   * the body of a request in progress, that request's pipeline logs it; otherwise it is logged here.
   */
  handleClientError(err: Error, socket: Duplex): void {
    const error = clientErrorAnswer(err, socket);
    if (error === null) {
      socket.destroy();
      return;
    }
    const state = this.current();
    const failed = requestBeingReceived(socket);
    failConnection(socket, failed, error, {}, (bytes) => {
      if (failed !== null) return;
      this.observer.requestFinished("", "-", error.status, 0);
      if (!state.accessLog) return;
      const code = (err as NodeJS.ErrnoException).code ?? "";
      logBareRequest(state.logger, { route: "", method: "-", url: "-", status: error.status, bytes, seconds: 0, client: peerAddress(socket as Socket), error: code });
    });
  }

  /**
   * Last resort for an exception nothing else caught, on a request or an upgrade: a 500 if nothing
   * was sent yet, counted and access-logged as a 500 (unless finish() got there first).
   */
  private crash(state: ProxyState, err: unknown, req: IncomingMessage, writer: ResponseWriter, tally: Tally): void {
    state.logger.error({ err }, "request failed");
    const counted = tally.counted;
    const seconds = this.count(tally, req.method ?? "GET", 500);
    let bytes = 0;
    if (!writer.headSent && !writer.destination.destroyed) {
      const body = Buffer.from(errorBody(500, "NYLON_E_INTERNAL", "internal error"));
      writer.head(500, { "content-type": "application/json", "content-length": String(body.length) });
      writer.end(body);
      bytes = body.length;
    } else writer.destination.destroy();
    if (state.accessLog && !counted) {
      logBareRequest(state.logger, { route: tally.route, method: req.method ?? "GET", url: req.url ?? "/", status: 500, bytes, seconds, client: state.clientAddress.of(req) });
    }
  }

  private async run(
    state: ProxyState,
    req: IncomingMessage,
    writer: ResponseWriter,
    upgrade: { socket: Duplex; head: Buffer } | null,
    tally: Tally,
  ): Promise<void> {
    const method = req.method ?? "GET";
    const client = readClientRequest(req);
    if (client instanceof NylonError) {
      // The framing or the target is unreliable: answered, then the connection closes, and nothing
      // pipelined behind it runs.
      closeAfterThisAnswer(req.socket);
      const ctx = newContext(state, req, req.url ?? "/", undefined, upgrade !== null, null);
      await this.send(state, newFlow(ctx, req, writer, upgrade, null, tally), errorResponse(client, { connection: "close" }));
      return;
    }
    const { target } = client;
    if (target.asterisk) {
      const ctx = newContext(state, req, target.target, client.headers, upgrade !== null, null);
      await this.send(state, newFlow(ctx, req, writer, upgrade, client, tally), optionsAnswer(IMPLICIT_METHODS));
      return;
    }
    // The header_selector header is read as the client sent it: a selector name the forwarding rules
    // drop (one with "_") still selects its route.
    const routeRequest = { method, path: target.path, host: client.host, headers: req.headers };
    const match = state.router.matchTarget(routeRequest);
    const ctx = newContext(state, req, target.target, client.headers, upgrade !== null, match.kind === "match" ? match : null);
    const flow = newFlow(ctx, req, writer, upgrade, client, tally);
    if (match.kind === "miss") {
      const headers: Record<string, string> = match.allow.length > 0 ? { allow: match.allow.join(", ") } : {};
      await this.send(state, flow, errorResponse(match.error, headers));
      return;
    }
    tally.route = match.route.name;
    // Answers nylon gives as the final recipient, before any plugin runs (as a redirect is).
    if (method === "TRACE" && client.hasBody) {
      await this.send(state, flow, errorResponse(new NylonError("NYLON_E_BAD_REQUEST", "a TRACE request cannot have a body (RFC 9110 §9.3.8)")));
      return;
    }
    if (isFinalRecipient(method, ctx.headers)) {
      const { host, headers } = routeRequest;
      await this.send(state, flow, method === "TRACE" ? traceAnswer(req, target.target) : optionsAnswer(state.router.allowedMethods({ path: target.path, host, headers })));
      return;
    }
    const redirect = httpsRedirect(match.route, ctx);
    if (redirect) {
      await this.send(state, flow, redirect); // no plugin runs for a request that is only sent to HTTPS
      return;
    }
    if (match.middleware.length > 0) flow.steps = match.middleware.map((item) => state.steps.get(item)).filter((s): s is MiddlewareStep => s !== undefined);
    try {
      await this.serve(state, flow, match);
    } catch (err) {
      // An error nylon did not describe keeps its text for the log: a client never sees library internals.
      const error = err instanceof NylonError ? err : new NylonError("NYLON_E_UPSTREAM", "the upstream failed (the proxy log has the details)");
      if (!(err instanceof NylonError)) state.logger.error({ err, route: match.route.name }, "request failed");
      else if (error instanceof UpstreamError && answeredStatus(req) === undefined) state.logger.warn({ route: match.route.name, endpoint: error.endpoint, err: error.message }, "upstream request failed");
      ctx.response.error = error.message;
      const retry = (error as NylonError & { retryAfterSeconds?: number }).retryAfterSeconds;
      const headers: Record<string, string> = retry ? { "retry-after": String(retry) } : {};
      // The rest of the body will not be read by anyone: the connection ends with this answer.
      if (!req.complete) headers["connection"] = "close";
      await this.send(state, flow, errorResponse(error, headers, clientMessage(error, state.exposeUpstreamAddress)));
    }
  }

  /**
   * Nylon starts taking the request body: 100 Continue goes out if the client waits for it, and
   * the body gets its idle deadline (body-watchdog.ts): a silent client is answered 408, an upstream
   * that stops reading makes forward() fail with 504.
   */
  private startBody(state: ProxyState, flow: Flow): AbortSignal {
    if (flow.upload !== undefined) return flow.upload.signal;
    const upload = (flow.upload = new AbortController());
    if (flow.client?.expectsContinue) flow.writer.raw?.writeContinue();
    const ms = state.requestBodyTimeoutMs;
    watchRequestBody(flow.req, ms, (stall) => {
      if (stall === "client-silent") {
        failConnection(flow.req.socket, flow.req, new NylonError("NYLON_E_REQUEST_TIMEOUT", `no request body bytes arrived for ${ms} ms`), {});
      } else {
        upload.abort(new NylonError("NYLON_E_UPSTREAM_TIMEOUT", `the upstream did not take the request body for ${ms} ms`));
      }
    });
    return upload.signal;
  }

  private async serve(state: ProxyState, flow: Flow, match: RouteMatch<Route>): Promise<void> {
    const { ctx } = flow;
    const service = state.services.get(match.pathEntry.service.name)!;
    const pluginFilters = flow.steps.length === 0 ? NO_PLUGIN_STEPS : flow.steps.filter((s): s is PluginStep => s.kind === "plugin");
    const readsBody =
      pluginFilters.some((s) => s.plugin.handles(s.entry, "request-filter")) ||
      (service.kind === "plugin" && service.step.plugin.handles(service.step.entry, "request-filter"));
    if (readsBody && flow.client!.hasBody) {
      this.startBody(state, flow);
      await readBody(flow.req, ctx, state.requestBodyLimit);
    }
    // Any plugin request filter, middleware or service, may answer with a stream (server-sent events).
    if (readsBody && flow.writer.raw) ctx.stream = streamSink(flow.writer.raw, ctx, () => this.finish(state, flow));

    // Request filters, in order; the first end() answers.
    for (const step of flow.steps) {
      if (step.kind === "request-header-modifier") {
        ctx.headers = applyHeaderModifier(ctx.headers, parseHeaderModifierPayload(renderStepPayload(step.payload, ctx), "request"));
      }
      if (step.kind !== "plugin") continue;
      flow.plugins.add(step);
      let result = runPluginPhase(step, ctx, "request-filter");
      if (result instanceof Promise) result = await result;
      if (ctx.response.streaming !== "no") return; // the stream ends the request (see streamSink)
      if (result === "end") return this.answerFromPlugin(state, flow);
      if (ctx.upgrade) throw new NylonError("NYLON_E_BAD_REQUEST", "a middleware upgraded the request; only a plugin service can");
    }
    if (ctx.bodyRefused) throw new NylonError("NYLON_E_BODY_TOO_LARGE", `the request body is over ${state.requestBodyLimit} bytes`);

    switch (service.kind) {
      case "plugin": {
        const step = service.step;
        flow.plugins.add(step);
        flow.serviceStep = step;
        let result = runPluginPhase(step, ctx, "request-filter");
        if (result instanceof Promise) result = await result;
        if (ctx.upgrade) return this.acceptWebSocket(state, flow, step);
        if (ctx.response.streaming !== "no") return; // the stream ends the request (see streamSink)
        if (result === "end") return this.answerFromPlugin(state, flow);
        state.logger.warn(
          { route: match.route.name, service: service.name, plugin: step.plugin.name, entry: step.entry },
          "plugin service called next(): a plugin service has no upstream, answering 502",
        );
        throw new NylonError("NYLON_E_NO_UPSTREAM", `service ${service.name} is a plugin service; its plugin continued instead of answering`);
      }
      case "http": {
        const request: ForwardRequest = {
          method: ctx.method,
          target: ctx.target,
          headers: ctx.headers,
          clientIp: ctx.clientIp,
          tls: ctx.tls,
          host: flow.client!.host,
          rewrite: match.rewrite,
          body: null,
        };
        if (flow.upgrade) {
          const events = this.tunnelEvents(state, flow, service.name);
          const tunnel = { ...request, upgrade: flow.req.headers.upgrade };
          tunnelUpgrade(tunnel, flow.upgrade.socket, flow.upgrade.head, service.pool, { events, exposeUpstreamAddress: state.exposeUpstreamAddress });
          return;
        }
        const streamed = ctx.body === null && flow.client!.hasBody;
        const signal = flow.client!.hasBody ? this.startBody(state, flow) : undefined;
        flow.bodyForwarded = true;
        request.body = ctx.body ? Readable.from([ctx.body]) : streamed ? flow.req : null;
        const response = await forward(request, service.pool, signal);
        return this.send(state, flow, response);
      }
      case "static":
        return this.send(state, flow, await service.site.serve({ method: ctx.method, path: ctx.target, headers: ctx.headers }, match.pathEntry.service.rewrite));
    }
  }

  /** A plugin built the response (end()): run it through the response phases like any other. */
  private answerFromPlugin(state: ProxyState, flow: Flow): Promise<void> {
    const r = flow.ctx.response;
    return this.send(state, flow, { status: r.status, headers: headerRecord(r.headers), body: r.body ?? Buffer.alloc(0) }, true);
  }

  private acceptWebSocket(state: ProxyState, flow: Flow, step: PluginStep): void {
    const { ctx } = flow;
    const pending = ctx.upgrade!;
    // What the handshake answers: the request's access line and metrics say 101, not the default 200.
    ctx.response.status = 101;
    this.finish(state, flow);
    if (!flow.upgrade) return; // cannot happen: websocket-upgrade refuses non-upgrade requests
    pending.conn.route = flow.tally.route;
    if (state.accessLog) pending.conn.onClosed.push(() => logWebSocketSession(state.logger, flow.tally.route, pending.conn));
    state.hub.accept(pending.conn, flow.req, flow.upgrade.socket, flow.upgrade.head, pending.protocol, ctx.wsSettings, step.plugin);
  }

  /** Response filters, body filters, write, logging. */
  private async send(state: ProxyState, flow: Flow, response: ServiceResponse, fromPlugin = false): Promise<void> {
    const { ctx } = flow;
    if (answeredStatus(flow.req) !== undefined) {
      // The connection failed and nylon answered on the socket already (client-failure.ts).
      if (response.body instanceof Readable) discard(response.body);
      this.finish(state, flow);
      return;
    }
    const r = ctx.response;
    r.status = response.status;
    // Headers a request filter set before next() (CORS, request ids) apply to the service's answer too.
    if (!fromPlugin) r.headers = mergeHeaders(response.headers, r.headers);
    // What response filters see as the body; one that sets a body (or fails into a 500) replaces the service's.
    r.body = Buffer.isBuffer(response.body) ? response.body : null;
    for (const step of flow.steps) {
      if (step.kind === "response-header-modifier") {
        try {
          r.headers = applyHeaderModifierToMap(r.headers, parseHeaderModifierPayload(renderStepPayload(step.payload, ctx), "response"));
        } catch (err) {
          if (!(err instanceof NylonError)) throw err;
          replaceWithError(ctx, err);
        }
      } else if (step.kind === "plugin") {
        const done = this.phase(flow, step, "response-filter");
        if (done) await done;
      }
    }
    const bodyFilters =
      flow.steps.length === 0 ? NO_PLUGIN_STEPS : flow.steps.filter((s): s is PluginStep => s.kind === "plugin" && s.plugin.handles(s.entry, "response-body-filter"));
    let body = r.body ?? response.body;
    if (body !== response.body && response.body instanceof Readable) discard(response.body);
    if (bodyFilters.length > 0 && body !== null) {
      r.body = Buffer.isBuffer(body) ? body : await collect(body);
      for (const step of bodyFilters) {
        const done = this.phase(flow, step, "response-body-filter");
        if (done) await done;
      }
      body = r.body;
    }
    const headers = headerRecord(r.headers);
    // The rest of an over-cap body was left unread and nothing will read it: close the connection
    // after this answer instead of reading an upload nobody wants (nginx does the same after a 413).
    if (ctx.bodyTooLarge && !flow.bodyForwarded) headers["connection"] = "close";
    if (Buffer.isBuffer(body)) {
      // The host computes the framing: a plugin never needs the seed's Content-Length dance.
      delete headers["transfer-encoding"];
      headers["content-length"] = String(body.length);
      flow.writer.head(r.status, headers);
      flow.writer.end(ctx.method === "HEAD" ? undefined : body);
      r.bytesSent = ctx.method === "HEAD" ? 0 : body.length;
      this.onFinished(state, flow);
    } else if (body === null) {
      flow.writer.head(r.status, headers);
      flow.writer.end();
      this.onFinished(state, flow);
    } else {
      flow.writer.head(r.status, headers);
      // Backpressure: a slow client pauses the upstream body instead of growing the proxy's memory,
      // and a client that leaves stops it.
      const destination = flow.writer.destination;
      const resume = () => body.resume();
      destination.on("drain", resume);
      destination.once("close", () => {
        destination.off("drain", resume);
        if (!body.readableEnded) body.destroy();
      });
      body.on("data", (chunk: Buffer) => {
        r.bytesSent += chunk.length;
        if (!flow.writer.write(chunk)) body.pause();
      });
      body.on("end", () => {
        flow.writer.end();
        this.onFinished(state, flow);
      });
      body.on("error", (err) => {
        r.error = err.message;
        flow.writer.raw?.destroy(err);
        this.onFinished(state, flow);
      });
    }
  }

  private onFinished(state: ProxyState, flow: Flow): void {
    const res = flow.writer.raw;
    if (res && !res.writableFinished) {
      res.once("close", () => this.finish(state, flow));
    } else this.finish(state, flow);
  }

  /** Plugins end the request, then it is counted and access-logged. */
  private finish(state: ProxyState, flow: Flow): void {
    const { ctx } = flow;
    // What the client saw, when nylon had to answer on the socket itself (client-failure.ts).
    ctx.response.status = answeredStatus(flow.req) ?? ctx.response.status;
    if (flow.steps.length > 0 || flow.serviceStep !== undefined || flow.plugins.size > 0) this.endPlugins(flow);
    const seconds = this.count(flow.tally, ctx.method, ctx.response.status);
    if (state.accessLog) logRequest(state.logger, flow.tally.route, ctx, seconds);
  }

  /** The logging phase of every plugin on the request, then each drops it (after the logging of plugins in worker threads). */
  private endPlugins(flow: Flow): void {
    const { ctx } = flow;
    const logging: Promise<void>[] = [];
    const log = (step: PluginStep): void => {
      const done = this.phase(flow, step, "logging");
      if (done) logging.push(done);
    };
    for (const step of flow.steps) if (step.kind === "plugin") log(step);
    if (flow.serviceStep) log(flow.serviceStep);
    const endRequest = (): void => {
      for (const step of flow.plugins) step.plugin.endRequest(ctx);
    };
    if (logging.length === 0) endRequest();
    else void Promise.all(logging).then(endRequest);
  }

  /** Reports the request to the observer unless that was done already; returns its duration (seconds). */
  private count(tally: Tally, method: string, status: number): number {
    const seconds = elapsed(tally);
    if (!tally.counted) {
      tally.counted = true;
      this.observer.requestFinished(tally.route, method, status, seconds);
    }
    return seconds;
  }

  /**
   * A tunnelled upgrade counts as a request once it is answered (the upstream's 101 or refusal, or
   * nylon's 502/504), as an accepted plugin WebSocket does; one the client left before that does not.
   * Its access line is written when it ends: when an opened tunnel closes, else once it is settled.
   */
  private tunnelEvents(state: ProxyState, flow: Flow, service: string): TunnelEvents {
    let answered = 0;
    const log = (bytesIn: number, bytesOut: number): void => {
      if (!state.accessLog) return;
      const { ctx } = flow;
      const seconds = elapsed(flow.tally);
      logTunnelSession(state.logger, { route: flow.tally.route, service, path: ctx.path, status: answered, bytesIn, bytesOut, seconds, client: ctx.clientIp });
    };
    return {
      settled: (outcome, status, error) => {
        answered = status;
        if (error instanceof UpstreamError) state.logger.warn({ route: flow.tally.route, endpoint: error.endpoint, err: error.message }, "upstream request failed");
        this.observer.tunnelSettled(service, outcome);
        if (status !== 0) this.count(flow.tally, flow.ctx.method, status);
        if (outcome !== "opened") log(0, 0);
      },
      closed: (bytesIn, bytesOut) => {
        this.observer.tunnelClosed(service);
        log(bytesIn, bytesOut);
      },
    };
  }

  /** A response-side phase of a step, which thereby takes part in the request. */
  private phase(flow: Flow, step: PluginStep, phase: Phase): void | Promise<void> {
    flow.plugins.add(step);
    return runResponseSidePhase(step, flow.ctx, phase);
  }
}

/** A route without middleware (the common proxied route) allocates no step lists. */
const NO_STEPS: readonly MiddlewareStep[] = [];
const NO_PLUGIN_STEPS: readonly PluginStep[] = [];

function newTally(): Tally {
  return { startedHr: process.hrtime.bigint(), route: "", counted: false };
}

/** Seconds since the request arrived. */
function elapsed(tally: Tally): number {
  return Number(process.hrtime.bigint() - tally.startedHr) / 1e9;
}

function newFlow(
  ctx: RequestContext,
  req: IncomingMessage,
  writer: ResponseWriter,
  upgrade: Flow["upgrade"],
  client: ClientRequest | null,
  tally: Tally,
): Flow {
  return { ctx, req, writer, steps: NO_STEPS, plugins: new Set(), upgrade, client, tally };
}

function newContext(
  state: ProxyState,
  req: IncomingMessage,
  target: string,
  forwardHeaders: ClientRequest["headers"] | undefined,
  isUpgrade: boolean,
  match: RouteMatch<Route> | null,
): RequestContext {
  return createRequestContext({
    method: req.method ?? "GET",
    target,
    headers: req.headers,
    forwardHeaders,
    tls: (req.socket as { encrypted?: boolean }).encrypted === true,
    clientIp: state.clientAddress.of(req),
    params: match?.params ?? {},
    isUpgrade,
    wsSettings: state.webSocketSettings(match?.pathEntry.service.websocket),
    startedAt: Date.now(),
  });
}

/**
 * Reads the body for plugins when it fits the cap. A body over the cap is not read on: what was read
 * goes back to the front of the request stream, which then flows to the upstream as if untouched, so
 * a plugin that never asks for the body (an auth filter in front of uploads) does not cap uploads.
 */
function readBody(req: IncomingMessage, ctx: RequestContext, limit: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= limit) return;
      stop();
      req.pause();
      req.unshift(Buffer.concat(chunks));
      ctx.bodyTooLarge = true;
      resolve();
    };
    const onEnd = () => {
      stop();
      ctx.body = Buffer.concat(chunks);
      resolve();
    };
    // A client that goes away mid-body is not the proxy's failure: no error-level log line.
    const onError = (err: Error) => {
      stop();
      reject(new NylonError("NYLON_E_BAD_REQUEST", `the client went away before sending the whole body (${err.message})`, { cause: err }));
    };
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", onError);
  });
}

/** Drops a service body nobody will read; its abort error has no one to tell. */
function discard(body: Readable): void {
  body.on("error", () => {});
  body.destroy();
}

async function collect(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A plugin's streamed response goes straight to the client as chunks; the request finishes with it. */
function streamSink(res: ServerResponse, ctx: RequestContext, finish: () => void): RequestContext["stream"] {
  res.once("close", () => {
    if (ctx.response.streaming === "open") {
      ctx.response.streaming = "ended";
      ctx.response.error = "the client went away during the stream";
      finish();
    }
  });
  return {
    start() {
      const headers = headerRecord(ctx.response.headers);
      delete headers["content-length"];
      res.writeHead(ctx.response.status, headers);
      res.flushHeaders();
    },
    write(chunk) {
      ctx.response.bytesSent += chunk.length;
      res.write(chunk);
    },
    end() {
      res.end(finish);
    },
  };
}
