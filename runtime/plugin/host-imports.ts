import { randomBytes } from "node:crypto";
import { headerNameError, headerValueError, HOST_MANAGED_RESPONSE_HEADERS } from "../http/header-validation.js";
import type { RequestContext } from "../http/request-context.js";
import type { WsConnection } from "../websocket/connection.js";
import { outboundMessage } from "../websocket/outbound-message.js";
import { qualifiedRoom, roomInNamespace } from "../websocket/room-namespace.js";
import type { WebSocketHub } from "../websocket/websocket-hub.js";
import type { GuestOutput, OutputStream } from "./guest-output.js";
import { hostError } from "./host-error.js";
import type { PluginClock } from "./plugin-clock.js";
import { GuestExit } from "./sandbox/failure-reason.js";
import { createWaitingImports, type WaitingBinding } from "./waiting-imports.js";

type LogLevel = "trace" | "debug" | "info" | "warn" | "error";

/** What the host functions need from the plugin they serve. */
export interface HostBinding extends WaitingBinding {
  readonly name: string;
  /** Where this plugin's room names live (room-namespace.ts); every room it names is qualified with it. */
  readonly roomNamespace: string;
  /** Requests this plugin is currently part of, by handle. */
  readonly requests: Map<number, RequestContext>;
  /** Connections this plugin owns, by handle. */
  readonly connections: Map<number, WsConnection>;
  readonly hub: WebSocketHub;
  /** The time plugins read (now-ms, durations). */
  readonly clock: PluginClock;
  /** Where a compiled guest's stdout and stderr go (the plugin's log). */
  readonly output: GuestOutput;
  log(level: LogLevel, message: string): void;
  setTimer(id: number, delayMs: number): void;
  clearTimer(id: number): void;
  /** Counts bytes a callback sends (to `conn`, when it is one connection); throws a host error when the per-callback cap is passed. */
  chargeSend(bytes: number, conn?: WsConnection): void;
}

export const MAX_ROOM_NAME_BYTES = 256;
export const MAX_ROOMS_PER_CONNECTION = 1000;
const MAX_RANDOM_BYTES = 4096;

function request(b: HostBinding, req: number): RequestContext {
  const ctx = b.requests.get(req);
  if (!ctx) throw hostError("NYLON_E_INVALID_ARGUMENT", `request ${req} is not active for plugin ${b.name}`);
  return ctx;
}

function connection(b: HostBinding, conn: number): WsConnection {
  const c = b.connections.get(conn);
  if (!c) throw hostError("NYLON_E_UNKNOWN_CONNECTION", `connection ${conn} is not owned by plugin ${b.name}`);
  if (c.state === "pending") throw hostError("NYLON_E_UNKNOWN_CONNECTION", `connection ${conn} is not open yet`);
  return c;
}

function checkHeader(name: string, value: string): void {
  const problem = headerNameError(name) ?? headerValueError(value);
  if (problem) throw hostError("NYLON_E_INVALID_HEADER", problem);
}

/** The room as the adapters know it: checked, then qualified with the plugin's namespace. */
function ownRoom(b: HostBinding, room: string): string {
  if (room.length === 0) throw hostError("NYLON_E_INVALID_ARGUMENT", "room name is empty");
  if (room.length > MAX_ROOM_NAME_BYTES || Buffer.byteLength(room) > MAX_ROOM_NAME_BYTES) {
    throw hostError("NYLON_E_INVALID_ARGUMENT", `room name is longer than ${MAX_ROOM_NAME_BYTES} bytes`);
  }
  return qualifiedRoom(b.roomNamespace, room);
}

function headerList(headers: Iterable<[string, string | string[] | undefined]>): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const [name, value] of headers) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) out.push({ name, value: v });
    else out.push({ name, value });
  }
  return out;
}

/**
 * The host functions that read only a clock and the process's randomness, no plugin state: a worker
 * thread answers them itself from the system clock (guest-worker.ts), since Go's runtime reads the
 * clock many times per garbage collection and a round trip to the event loop each time would stall it.
 */
export function clockAndRandomImports(clock: PluginClock) {
  return {
    nowMs: () => BigInt(clock.now()),
    monotonicNs: () => clock.monotonicNs(),
    randomBytes: (len: number) => new Uint8Array(randomBytes(Math.min(len, MAX_RANDOM_BYTES))),
    randomU64: () => randomBytes(8).readBigUInt64LE(),
  };
}

/** The `nylon:plugin/host` functions for one plugin. They only read host state or queue effects. */
export function createHostImports(b: HostBinding) {
  const hub = b.hub;
  return {
    ...createWaitingImports(b),
    log: (level: LogLevel, message: string) => b.log(level, message),
    ...clockAndRandomImports(b.clock),
    setTimer: (id: number, delayMs: number) => b.setTimer(id, delayMs),
    clearTimer: (id: number) => b.clearTimer(id),
    writeOutput: (to: OutputStream, data: Uint8Array) => b.output.write(to, data),
    // Unwinds the guest's call: the sandbox reports the exit as the call's failure.
    exit: (code: number) => {
      throw new GuestExit(code);
    },

    getPayload: (req: number) => request(b, req).currentPayload,
    requestMethod: (req: number) => request(b, req).method,
    requestUrl: (req: number) => {
      const ctx = request(b, req);
      return `${ctx.tls ? "https" : "http"}://${ctx.headers.host ?? ctx.host}${ctx.target}`;
    },
    requestPath: (req: number) => request(b, req).path,
    requestQuery: (req: number) => request(b, req).query,
    requestHeader: (req: number, name: string) => {
      const value = request(b, req).headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(", ") : value;
    },
    requestHeaders: (req: number) => headerList(Object.entries(request(b, req).headers)),
    requestHost: (req: number) => request(b, req).host,
    requestClientIp: (req: number) => request(b, req).clientIp,
    requestParams: (req: number) => headerList(Object.entries(request(b, req).params)),
    requestBody: (req: number) => {
      const ctx = request(b, req);
      if (ctx.bodyTooLarge) {
        ctx.bodyRefused = true;
        throw hostError("NYLON_E_BODY_TOO_LARGE", "the request body is over the configured cap");
      }
      return ctx.body ? new Uint8Array(ctx.body.buffer, ctx.body.byteOffset, ctx.body.length) : new Uint8Array(0);
    },
    requestBytes: (req: number) => {
      const ctx = request(b, req);
      return BigInt(ctx.body?.length ?? (Number(ctx.headers["content-length"]) || 0));
    },
    requestTimestampMs: (req: number) => BigInt(request(b, req).startedAt),
    requestSetHeader: (req: number, name: string, value: string) => {
      const ctx = request(b, req);
      checkHeader(name, value);
      ctx.headers[name.toLowerCase()] = value;
    },
    requestRemoveHeader: (req: number, name: string) => {
      delete request(b, req).headers[name.toLowerCase()];
    },

    responseSetStatus: (req: number, status: number) => {
      if (!Number.isInteger(status) || status < 100 || status > 999) {
        throw hostError("NYLON_E_INVALID_ARGUMENT", `status ${status} is not between 100 and 999`);
      }
      request(b, req).response.status = status;
    },
    responseStatus: (req: number) => request(b, req).response.status,
    responseSetHeader: (req: number, name: string, value: string) => {
      const ctx = request(b, req);
      checkHeader(name, value);
      const key = name.toLowerCase();
      // The host computes framing headers; setting them (as the seed's examples do) is harmless.
      if (HOST_MANAGED_RESPONSE_HEADERS.has(key)) return;
      ctx.response.headers.set(key, value);
    },
    responseRemoveHeader: (req: number, name: string) => {
      request(b, req).response.headers.delete(name.toLowerCase());
    },
    responseHeaders: (req: number) => headerList(request(b, req).response.headers),
    responseSetBody: (req: number, body: Uint8Array) => {
      request(b, req).response.body = Buffer.from(body);
    },
    responseBody: (req: number) => {
      const body = request(b, req).response.body;
      return body ? new Uint8Array(body.buffer, body.byteOffset, body.length) : new Uint8Array(0);
    },
    // Body bytes sent to the client so far: all of them by the logging phase (a body filter reads the body's length).
    responseBytes: (req: number) => BigInt(request(b, req).response.bytesSent),
    responseDurationMs: (req: number) => BigInt(b.clock.now() - request(b, req).startedAt),
    responseError: (req: number) => request(b, req).response.error ?? undefined,
    responseStreamStart: (req: number) => {
      const ctx = request(b, req);
      if (!ctx.stream) throw hostError("NYLON_E_WRONG_PHASE", "a stream can only start in a request filter of an HTTP request");
      if (ctx.response.streaming !== "no") throw hostError("NYLON_E_WRONG_PHASE", "the stream has already started");
      ctx.response.streaming = "open";
      ctx.stream.start();
    },
    responseStreamWrite: (req: number, chunk: Uint8Array) => {
      const ctx = request(b, req);
      if (ctx.response.streaming !== "open" || !ctx.stream) throw hostError("NYLON_E_WRONG_PHASE", "no open stream");
      b.chargeSend(chunk.length);
      ctx.stream.write(Buffer.from(chunk));
    },
    responseStreamEnd: (req: number) => {
      const ctx = request(b, req);
      if (ctx.response.streaming !== "open" || !ctx.stream) throw hostError("NYLON_E_WRONG_PHASE", "no open stream");
      ctx.response.streaming = "ended";
      ctx.stream.end();
    },

    websocketUpgrade: (req: number, protocol: string | undefined) => {
      const ctx = request(b, req);
      if (ctx.upgradeError !== null) throw hostError("NYLON_E_NOT_UPGRADE", ctx.upgradeError);
      if (ctx.upgrade) throw hostError("NYLON_E_NOT_UPGRADE", "the request is already being upgraded");
      if (protocol !== undefined && !ctx.offeredProtocols.includes(protocol)) {
        throw hostError("NYLON_E_NOT_UPGRADE", `the client did not offer subprotocol ${JSON.stringify(protocol)}`);
      }
      const conn = hub.createConnection(b, ctx.wsSettings, ctx.clientIp);
      b.connections.set(conn.handle, conn);
      ctx.upgrade = { conn, protocol };
      return conn.handle;
    },
    wsSendText: (conn: number, message: string) => {
      const c = connection(b, conn);
      const data = Buffer.from(message, "utf8");
      b.chargeSend(data.length, c);
      c.deliver(outboundMessage(false, data));
    },
    wsSendBinary: (conn: number, data: Uint8Array) => {
      const c = connection(b, conn);
      b.chargeSend(data.length, c);
      c.deliver(outboundMessage(true, Buffer.from(data)));
    },
    wsClose: (conn: number, code: number | undefined, reason: string | undefined) => {
      const c = connection(b, conn);
      const closeCode = code ?? 1000;
      if (!(closeCode === 1000 || (closeCode >= 3000 && closeCode <= 4999) || (closeCode >= 1001 && closeCode <= 1014 && ![1004, 1005, 1006].includes(closeCode)))) {
        throw hostError("NYLON_E_INVALID_ARGUMENT", `close code ${closeCode} may not be sent`);
      }
      if (reason !== undefined && Buffer.byteLength(reason) > 123) {
        throw hostError("NYLON_E_INVALID_ARGUMENT", "close reason is longer than 123 bytes");
      }
      c.close(closeCode, reason ?? "");
    },
    wsJoinRoom: (conn: number, room: string) => {
      const c = connection(b, conn);
      const qualified = ownRoom(b, room);
      if (!c.rooms.has(qualified) && c.rooms.size >= MAX_ROOMS_PER_CONNECTION) {
        throw hostError("NYLON_E_INVALID_ARGUMENT", `a connection may be in at most ${MAX_ROOMS_PER_CONNECTION} rooms`);
      }
      hub.adapter.join(c, qualified);
    },
    wsLeaveRoom: (conn: number, room: string) => {
      const c = connection(b, conn);
      hub.adapter.leave(c, ownRoom(b, room));
    },
    wsBroadcastText: (conn: number, room: string, message: string, excludeSelf: boolean) => {
      const c = connection(b, conn);
      const qualified = ownRoom(b, room);
      const data = Buffer.from(message, "utf8");
      b.chargeSend(data.length, c);
      hub.adapter.broadcast(qualified, outboundMessage(false, data), excludeSelf ? c : undefined);
    },
    wsBroadcastBinary: (conn: number, room: string, data: Uint8Array, excludeSelf: boolean) => {
      const c = connection(b, conn);
      const qualified = ownRoom(b, room);
      b.chargeSend(data.length, c);
      hub.adapter.broadcast(qualified, outboundMessage(true, Buffer.from(data)), excludeSelf ? c : undefined);
    },
    wsConnectionId: (conn: number) => {
      const c = b.connections.get(conn);
      if (!c) throw hostError("NYLON_E_UNKNOWN_CONNECTION", `connection ${conn} is not owned by plugin ${b.name}`);
      return c.id;
    },
    wsSendTextTo: (connectionId: string, message: string) => {
      const data = Buffer.from(message, "utf8");
      b.chargeSend(data.length);
      if (!hub.adapter.sendTo(connectionId, b.roomNamespace, outboundMessage(false, data))) {
        throw hostError("NYLON_E_UNKNOWN_CONNECTION", `no connection ${connectionId.slice(0, 80)}`);
      }
    },
    wsSendBinaryTo: (connectionId: string, data: Uint8Array) => {
      b.chargeSend(data.length);
      if (!hub.adapter.sendTo(connectionId, b.roomNamespace, outboundMessage(true, Buffer.from(data)))) {
        throw hostError("NYLON_E_UNKNOWN_CONNECTION", `no connection ${connectionId.slice(0, 80)}`);
      }
    },
    // A connection is only ever in rooms of its owner's namespace; the filter is a second lock.
    wsRooms: (conn: number) => [...connection(b, conn).rooms].flatMap((room) => roomInNamespace(b.roomNamespace, room) ?? []),
    wsRoomSize: (room: string) => (room.length > MAX_ROOM_NAME_BYTES ? 0 : hub.roomSize(qualifiedRoom(b.roomNamespace, room))),
  };
}

