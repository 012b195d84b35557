/// <reference path="./nylon-plugin-types.d.ts" />
declare module 'nylon:plugin/host@0.3.0' {
  /**
   * ---- plugin-wide ----
   */
  export function log(level: LogLevel, message: string): void;
  /**
   * Milliseconds since the Unix epoch (the only clock a plugin has).
   */
  export function nowMs(): bigint;
  /**
   * Cryptographically strong random bytes (at most 4096 per call).
   */
  export function randomBytes(len: number): Uint8Array;
  /**
   * Asks the host to call `on-timer(id)` once, `delay-ms` from now (a plugin has no event loop of its
   * own). Setting an id again replaces its timer. There is a per-plugin cap on pending timers.
   */
  export function setTimer(id: number, delayMs: number): void;
  export function clearTimer(id: number): void;
  /**
   * ---- runtime support for compiled guests (the Go SDK's WASI adapter uses these) ----
   * Nanoseconds on a clock that never goes back; its origin is arbitrary (not the epoch).
   */
  export function monotonicNs(): bigint;
  /**
   * 64 random bits from the same source as `random-bytes`, for code that fills memory without an allocator.
   */
  export function randomU64(): bigint;
  /**
   * Text the guest's runtime wrote (a Go plugin's fmt.Print, log, an unrecovered panic): the host
   * logs it line by line, stdout at info and stderr at error, tagged with the plugin's name.
   */
  export function writeOutput(to: Output, data: Uint8Array): void;
  /**
   * The guest ends itself (os.Exit): the current call fails with this exit code in its reason and
   * the instance is rebuilt. The host does not return from it.
   */
  export function exit(code: number): void;
  /**
   * ---- waiting (0.3.0): start now, the result comes to `on-result(op, result)` later ----
   * Each returns the operation's id at once (or an error when the arguments are refused: then no
   * on-result follows). The result is delivered after the current callback has returned, never inside it.
   * The value of `key` in the plugin's store (its own namespace).
   */
  export function kvGet(key: string): number;
  /**
   * Sets `key`; with `ttl-ms` it expires after that many milliseconds.
   */
  export function kvSet(key: string, value: Uint8Array, ttlMs: number | undefined): number;
  export function kvDelete(key: string): number;
  /**
   * Adds `delta` to the integer stored as decimal text at `key` (a missing key counts as 0), atomically;
   * `ttl-ms` applies only when this creates the key (a fixed window).
   */
  export function kvIncrement(key: string, delta: bigint, ttlMs: number | undefined): number;
  /**
   * Sets `key` to `value` only if its value is `expected` (none: only if the key is absent).
   */
  export function kvCompareAndSwap(key: string, expected: Uint8Array | undefined, value: Uint8Array, ttlMs: number | undefined): number;
  /**
   * Keys starting with `prefix`, in byte order, at most `limit` (and at most 1000).
   */
  export function kvListKeys(prefix: string, limit: number): number;
  /**
   * Sends an HTTP request to a host the plugin's `allowed_outbound_hosts` lists.
   */
  export function httpRequest(request: OutboundRequest): number;
  /**
   * Decides the phase of request `req` the plugin left `pending`, from any later callback.
   */
  export function resumePhase(req: number, decision: PhaseResult): void;
  /**
   * ---- request (valid while the request's phases run) ----
   */
  export function getPayload(req: number): string | undefined;
  export function requestMethod(req: number): string;
  export function requestUrl(req: number): string;
  export function requestPath(req: number): string;
  export function requestQuery(req: number): string;
  export function requestHeader(req: number, name: string): string | undefined;
  export function requestHeaders(req: number): Array<Header>;
  export function requestHost(req: number): string;
  export function requestClientIp(req: number): string;
  export function requestParams(req: number): Array<Header>;
  export function requestBody(req: number): Uint8Array;
  export function requestBytes(req: number): bigint;
  export function requestTimestampMs(req: number): bigint;
  export function requestSetHeader(req: number, name: string, value: string): void;
  export function requestRemoveHeader(req: number, name: string): void;
  /**
   * ---- response ----
   */
  export function responseSetStatus(req: number, status: number): void;
  export function responseStatus(req: number): number;
  export function responseSetHeader(req: number, name: string, value: string): void;
  export function responseRemoveHeader(req: number, name: string): void;
  export function responseHeaders(req: number): Array<Header>;
  export function responseSetBody(req: number, body: Uint8Array): void;
  export function responseBody(req: number): Uint8Array;
  export function responseBytes(req: number): bigint;
  export function responseDurationMs(req: number): bigint;
  export function responseError(req: number): string | undefined;
  export function responseStreamStart(req: number): void;
  export function responseStreamWrite(req: number, chunk: Uint8Array): void;
  export function responseStreamEnd(req: number): void;
  /**
   * ---- WebSocket ----
   * Accepts the request as a WebSocket upgrade. Returns the new connection's handle; the handshake
   * is completed after the request filter returns, then `ws-on-open` runs. On a request that is not a
   * valid upgrade it returns an error and sends nothing.
   */
  export function websocketUpgrade(req: number, protocol: string | undefined): number;
  export function wsSendText(conn: number, message: string): void;
  export function wsSendBinary(conn: number, data: Uint8Array): void;
  export function wsClose(conn: number, code: number | undefined, reason: string | undefined): void;
  export function wsJoinRoom(conn: number, room: string): void;
  export function wsLeaveRoom(conn: number, room: string): void;
  export function wsBroadcastText(conn: number, room: string, message: string, excludeSelf: boolean): void;
  export function wsBroadcastBinary(conn: number, room: string, data: Uint8Array, excludeSelf: boolean): void;
  /**
   * The cluster-wide id of a connection ("<node>:<n>"), usable with ws-send-text-to.
   */
  export function wsConnectionId(conn: number): string;
  export function wsSendTextTo(connectionId: string, message: string): void;
  export function wsSendBinaryTo(connectionId: string, data: Uint8Array): void;
  export function wsRooms(conn: number): Array<string>;
  export function wsRoomSize(room: string): number;
  export type Header = import('nylon:plugin/types@0.3.0').Header;
  export type LogLevel = import('nylon:plugin/types@0.3.0').LogLevel;
  export type Output = import('nylon:plugin/types@0.3.0').Output;
  export type HostError = import('nylon:plugin/types@0.3.0').HostError;
  export type PhaseResult = import('nylon:plugin/types@0.3.0').PhaseResult;
  export type OutboundRequest = import('nylon:plugin/types@0.3.0').OutboundRequest;
}
