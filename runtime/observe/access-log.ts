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
      ms: Math.round(seconds * 1e6) / 1000,
      client: ctx.clientIp,
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
