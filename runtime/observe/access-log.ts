import type { Logger } from "pino";
import type { RequestContext } from "../http/request-context.js";
import type { WsConnection } from "../websocket/connection.js";

/** One access line per HTTP request (when `log.access_log` is on). */
export function logRequest(logger: Logger, route: string, ctx: RequestContext, seconds: number): void {
  logger.info(
    {
      access: "http",
      route,
      method: ctx.method,
      path: ctx.path,
      status: ctx.response.status,
      bytes: ctx.response.bytesSent,
      ms: milliseconds(seconds),
      client: ctx.clientIp,
    },
    "request",
  );
}

/** An answer given without a RequestContext, as logBareRequest writes it. */
export interface BareRequestLine {
  route: string;
  /** "-" when the bytes never made a request. */
  method: string;
  /** The request target as received ("-" when unknown); the query is left out. */
  url: string;
  status: number;
  bytes: number;
  seconds: number;
  client: string;
  /** Node's parser error code, when its refusal is what was answered. */
  error?: string;
}

/**
 * The access line of an answer given without a RequestContext (the pipeline's last-resort 500, a
 * refused CONNECT, bytes Node's parser refused): the same shape as logRequest's.
 */
export function logBareRequest(logger: Logger, line: BareRequestLine): void {
  const q = line.url.indexOf("?");
  logger.info(
    {
      access: "http",
      route: line.route,
      method: line.method,
      path: q < 0 ? line.url : line.url.slice(0, q),
      status: line.status,
      bytes: line.bytes,
      ms: milliseconds(line.seconds),
      client: line.client,
      ...(line.error === undefined ? {} : { error: line.error }),
    },
    "request",
  );
}

/** One access line per WebSocket session, written when it closes. */
export function logWebSocketSession(logger: Logger, route: string, conn: WsConnection): void {
  logger.info(
    {
      access: "websocket",
      route,
      plugin: conn.owner.name,
      code: conn.closeCode,
      bytes_in: conn.bytesIn,
      bytes_out: conn.bytesOut,
      ms: Date.now() - conn.openedAt,
      client: conn.clientIp,
    },
    "websocket session",
  );
}

/** How an Upgrade tunnelled to an http service ended (see ws-tunnel.ts). */
export interface TunnelSession {
  route: string;
  service: string;
  /** The upgrade request's path, without the query. */
  path: string;
  /** 101, the upstream's refusal, nylon's 502/504, or 0 when the client left before any answer. */
  status: number;
  /** Bytes carried after the 101, client to upstream and back; 0 when no tunnel opened. */
  bytesIn: number;
  bytesOut: number;
  /** From the upgrade request's arrival to the end of the tunnel (or of the refusal). */
  seconds: number;
  client: string;
}

/** One access line per tunnelled upgrade, written when it ends: when the tunnel closes, or at once if none opened. */
export function logTunnelSession(logger: Logger, session: TunnelSession): void {
  logger.info(
    {
      access: "tunnel",
      route: session.route,
      service: session.service,
      path: session.path,
      status: session.status,
      bytes_in: session.bytesIn,
      bytes_out: session.bytesOut,
      ms: milliseconds(session.seconds),
      client: session.client,
    },
    "tunnel session",
  );
}

/** Milliseconds with microsecond precision, as the http lines have always written them. */
function milliseconds(seconds: number): number {
  return Math.round(seconds * 1e6) / 1000;
}
