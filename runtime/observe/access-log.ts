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

/**
 * The access line of a request that ended in the pipeline's last-resort 500 (an exception nothing
 * else caught): same shape as logRequest's, from what is known without a RequestContext.
 */
export function logCrashedRequest(logger: Logger, route: string, method: string, url: string, client: string, bytes: number, seconds: number): void {
  const q = url.indexOf("?");
  logger.info(
    { access: "http", route, method, path: q < 0 ? url : url.slice(0, q), status: 500, bytes, ms: milliseconds(seconds), client },
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
