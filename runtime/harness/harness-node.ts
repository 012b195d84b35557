import { qualifiedRoom } from "../websocket/room-namespace.js";
import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { createRequestContext } from "../http/create-request-context.js";
import type { RequestContext } from "../http/request-context.js";
import type { CompiledComponent } from "../plugin/component-loader.js";
import { PluginHost, type PluginSpec } from "../plugin/plugin-host.js";
import type { WebSocketSettings } from "../websocket/websocket-settings.js";
import { WebSocketHub } from "../websocket/websocket-hub.js";
import { HarnessConnection } from "./harness-connection.js";
import type { HarnessEnvironment } from "./harness-environment.js";
import { finishStream, runExchange, type ExchangeOutcome, type FakeUpstream } from "./http-exchange.js";
import type { Maybe } from "./maybe-async.js";
import { httpResult, type HttpResult, type StreamRecord } from "./http-result.js";
import { phaseFailure, failuresIn } from "./sandbox-failure.js";

/** A request sent to one entry of the plugin. */
export interface RequestSpec {
  /** The entry name (`entry:` of a middleware or plugin service). */
  entry: string;
  method?: string;
  /** Path, optionally with "?query". */
  path?: string;
  /** Query pairs, appended to the path. */
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** The middleware's payload, with `${...}` templates rendered per request as in the config. */
  payload?: unknown;
  /** Route parameters ({name} segments of the matched path). */
  params?: Record<string, string>;
  clientIp?: string;
  tls?: boolean;
  /** What the upstream answers if the entry continues; default 200 with an empty body. */
  upstream?: FakeUpstream;
}

/** A WebSocket client's upgrade request to one entry. */
export type ConnectSpec = Omit<RequestSpec, "method" | "body" | "upstream"> & {
  /** Subprotocols offered in Sec-WebSocket-Protocol. */
  protocols?: string[];
};

/**
 * One simulated proxy node: its own WebSocket hub and its own instance of the plugin, as a separate
 * nylon process would have. Several nodes share rooms through SharedRooms.
 */
export class HarnessNode {
  readonly hub: WebSocketHub;
  readonly host: PluginHost;

  constructor(
    readonly nodeId: string,
    component: CompiledComponent,
    spec: PluginSpec,
    private readonly websocket: WebSocketSettings,
    private readonly env: HarnessEnvironment,
  ) {
    this.hub = new WebSocketHub(nodeId);
    this.host = new PluginHost(spec, component, this.hub, env.logs.logger.child({ node: nodeId }), env.clock, env.services);
    this.host.start();
  }

  /**
   * Sends an HTTP request through the entry's phases. For an entry that leaves a phase pending (it
   * waits for the store or an outbound call), use `requestAsync`.
   */
  request(spec: RequestSpec): HttpResult {
    return this.answered(this.exchange(spec, spec.method ?? "GET", spec.headers ?? {}, false), spec.entry, "requestAsync");
  }

  /** `request`, waiting for whatever the entry's phases wait for (see HarnessEnvironment.drive). */
  async requestAsync(spec: RequestSpec): Promise<HttpResult> {
    const exchange = this.exchange(spec, spec.method ?? "GET", spec.headers ?? {}, false);
    return exchange.result(await this.env.drive(exchange.done));
  }

  /**
   * Opens a WebSocket on the entry: the upgrade request runs through its request filter and, when the
   * plugin accepts, the connection opens (onOpen runs). When it does not, `accepted` is false and
   * `handshake` is the HTTP answer.
   */
  connect(spec: ConnectSpec): HarnessConnection {
    const exchange = this.upgradeExchange(spec);
    return this.opened(exchange.ctx, this.answered(exchange, spec.entry, "connectAsync"));
  }

  /** `connect`, waiting for whatever the entry's request filter waits for (a store answer, an outbound call). */
  async connectAsync(spec: ConnectSpec): Promise<HarnessConnection> {
    const exchange = this.upgradeExchange(spec);
    return this.opened(exchange.ctx, exchange.result(await this.env.drive(exchange.done)));
  }

  private upgradeExchange(spec: ConnectSpec): Exchange {
    const headers: Record<string, string> = {
      upgrade: "websocket",
      connection: "Upgrade",
      "sec-websocket-key": randomBytes(16).toString("base64"),
      "sec-websocket-version": "13",
      ...(spec.protocols?.length ? { "sec-websocket-protocol": spec.protocols.join(", ") } : {}),
      ...spec.headers,
    };
    return this.exchange(spec, "GET", headers, true);
  }

  /** The connection the plugin accepted (or refused, with its answer), its onOpen run. */
  private opened(ctx: RequestContext, result: HttpResult): HarnessConnection {
    const connection = new HarnessConnection(result, ctx.upgrade?.conn ?? null, this.hub, this.host, this.env, ctx.wsSettings.maxMessageBytes);
    if (connection.accepted) {
      const opened = connection.open();
      result.logs.push(...opened.logs);
      result.failed ??= opened.failed;
    }
    return connection;
  }

  /** Members of the plugin's room on every node. */
  roomSize(room: string): number {
    return this.hub.adapter.roomSize(qualifiedRoom(this.host.roomNamespace, room));
  }

  stop(): void {
    this.host.stop();
    this.hub.stop();
  }

  /** The exchange's result now; an exchange whose phase is left pending needs the async method named. */
  private answered(exchange: Exchange, entry: string, asyncMethod: string): HttpResult {
    this.env.effects.drain();
    if (exchange.done instanceof Promise) {
      throw new Error(`entry "${entry}" left the request pending (it waits for the store or an outbound call): use await ${asyncMethod}(...)`);
    }
    return exchange.result(exchange.done);
  }

  private exchange(spec: RequestSpec, method: string, headers: Record<string, string>, isUpgrade: boolean): Exchange {
    const ctx = createRequestContext({
      method,
      target: urlOf(spec),
      headers: lowerCase({ host: "plugin.test", ...headers }),
      tls: spec.tls ?? false,
      clientIp: spec.clientIp ?? "127.0.0.1",
      params: spec.params ?? {},
      isUpgrade,
      wsSettings: this.websocket,
      startedAt: this.env.clock.now(),
    });
    if (spec.body !== undefined) ctx.body = Buffer.from(spec.body);
    const stream = recordStream(ctx, this.env);
    const mark = this.env.logs.mark();
    const done = runExchange(this.host, ctx, spec.entry, spec.payload, spec.upstream ?? {});
    const result = ({ outcome, thrown }: ExchangeOutcomeOf): HttpResult => {
      const report = this.env.reportSince(mark);
      const failed = outcome === "failed" ? phaseFailure(thrown, failuresIn(report.logs)) : report.failed;
      const streamed = ctx.response.streaming === "no" ? null : stream;
      const body = streamed ? Buffer.concat(streamed.chunks) : (ctx.response.body ?? Buffer.alloc(0));
      return httpResult(ctx, outcome, body, failed, report.logs, streamed);
    };
    return { ctx, done, result };
  }
}

type ExchangeOutcomeOf = { outcome: ExchangeOutcome; thrown: unknown };

/** A request on its way through the entry: `done` now, or later when a phase is pending. */
interface Exchange {
  ctx: RequestContext;
  done: Maybe<ExchangeOutcomeOf>;
  /** What the client saw, once done (the lines logged since the request started included). */
  result(done: ExchangeOutcomeOf): HttpResult;
}

function urlOf(spec: RequestSpec): string {
  const path = spec.path ?? "/";
  if (!spec.query || Object.keys(spec.query).length === 0) return path;
  return `${path}${path.includes("?") ? "&" : "?"}${new URLSearchParams(spec.query).toString()}`;
}

function lowerCase(headers: Record<string, string>): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/**
 * A streamed (server-sent events) response as the client receives it: chunks keep arriving while the
 * test advances time, until the plugin ends the stream, which finishes the request.
 */
function recordStream(ctx: RequestContext, env: HarnessEnvironment): StreamRecord {
  const record: StreamRecord = { chunks: [], ended: false, text: () => Buffer.concat(record.chunks).toString("utf8") };
  ctx.stream = {
    start() {},
    write(chunk) {
      ctx.response.bytesSent += chunk.length;
      record.chunks.push(chunk);
    },
    end() {
      record.ended = true;
      // The end comes from inside a guest call: the request finishes after it, as the proxy's does.
      env.effects.defer(() => finishStream.get(ctx)?.());
    },
  };
  return record;
}
