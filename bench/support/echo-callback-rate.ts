// Echo callbacks per second through a PluginHost: the proxy's own path for a WebSocket message (the
// echo entry upgrades a request, then every text message goes in and one send-text comes out).
import { createRequestContext } from "../../runtime/http/create-request-context.js";
import type { RequestContext } from "../../runtime/http/request-context.js";
import type { PluginHost } from "../../runtime/plugin/plugin-host.js";
import { callsPerSecond } from "./calls-per-second.js";
import { DEFAULT_WEBSOCKET_SETTINGS } from "../../runtime/websocket/websocket-settings.js";

export const MESSAGE = "x".repeat(64);

/** A request as a plugin sees it; `upgrade` makes it a valid WebSocket handshake. */
export function benchRequest(query = "", upgrade = false): RequestContext {
  const headers = upgrade
    ? { host: "bench", connection: "Upgrade", upgrade: "websocket", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" }
    : { host: "bench" };
  return createRequestContext({
    method: "GET",
    target: query === "" ? "/x" : `/x?${query}`,
    headers,
    tls: false,
    clientIp: "127.0.0.1",
    params: {},
    isUpgrade: upgrade,
    wsSettings: DEFAULT_WEBSOCKET_SETTINGS,
    startedAt: Date.now(),
  });
}

/** Calls per second over `seconds`, after a 1 s warm-up (lazy compilation and tier-up, wasm-toolchain-facts P13). */
export function echoCallbackRate(plugin: PluginHost, entry: string, seconds: number): number {
  const ctx = benchRequest("", true);
  plugin.runPhase(ctx, entry, "request-filter");
  const conn = ctx.upgrade!.conn;
  let sent = 0;
  conn.transport = { bufferedAmount: 0, writable: true, send: () => void sent++, close: () => {}, terminate: () => {} };
  conn.state = "open";
  plugin.open(conn);
  const before = sent;
  let n = 0;
  const rate = callsPerSecond(() => {
    plugin.text(conn, MESSAGE);
    n++;
  }, seconds);
  if (sent - before !== n) throw new Error(`expected ${n} send-text calls, saw ${sent - before}`);
  return rate;
}
