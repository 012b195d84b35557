// Why a plugin-owned WebSocket is closed when a limit ends it, in the close frame (a reason naming the
// configuration key) and in the log (the connection, its route, the limit and its value).
//
// When ws's Receiver fails a connection (a message over maxPayload, too many fragments, a protocol
// error) it closes with the code alone and only then emits the error, so the client got 1008 or 1009
// with no reason. ws has no option for a reason: we listen on this connection's Receiver ahead of ws
// and close first, with the reason; ws's own close call then finds the connection closing and only
// ends the socket as before. Like utf8-fail-fast.ts this relies on a Receiver internal (ws 8); if it
// changes, the close goes out as ws sends it (code only) and the log line is still written.
import type { WebSocket } from "ws";
import { sentCloseCode } from "./protocol-error-code.js";
import type { WebSocketSettings } from "./websocket-settings.js";

/** The configuration keys (under `websocket:` or a route's `service.websocket:`) that can close a connection. */
export type WebSocketLimit =
  | "max_message_bytes"
  | "max_fragments"
  | "max_buffered_chunks"
  | "send_buffer_bytes"
  | "idle_timeout_ms"
  | "pong_timeout_ms";

/** A limit that closed (or is closing) a connection. */
export interface LimitHit {
  limit: WebSocketLimit;
  value: number;
}

/** Why ws's Receiver failed a connection: a limit, or a protocol error; with the close code it sends. */
export interface ReceiverFailure {
  code: number;
  /** The close frame's reason (at most 123 bytes). */
  reason: string;
  /** Null for a protocol error (a malformed frame, invalid UTF-8). */
  hit: LimitHit | null;
}

/**
 * On a Receiver failure of `ws`, closes it with the failure's code and reason before ws closes it
 * without one, and tells `failed`.
 */
export function closeWithReasonOnReceiverFailure(ws: WebSocket, settings: WebSocketSettings, failed: (failure: ReceiverFailure) => void): void {
  const receiver = (ws as unknown as { _receiver?: { prependListener?: (event: "error", listener: (err: Error) => void) => void } })._receiver;
  if (typeof receiver?.prependListener !== "function") return;
  receiver.prependListener("error", (err: Error) => {
    const failure = receiverFailure(err, settings);
    if (failure === null) return;
    failed(failure);
    if (ws.readyState === ws.OPEN) ws.close(failure.code, failure.reason);
  });
}

/** The failure an error of ws's Receiver stands for, or null for an error that sends no close frame. */
export function receiverFailure(err: Error, settings: WebSocketSettings): ReceiverFailure | null {
  const code = sentCloseCode(err);
  if (code === undefined) return null;
  const errorCode = (err as Error & { code?: string }).code;
  if (errorCode === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
    const { hit, what } = overMaxMessageBytes(settings.maxMessageBytes);
    return limitFailure(code, hit, what);
  }
  if (errorCode === "WS_ERR_TOO_MANY_BUFFERED_PARTS") {
    // One ws code for two limits; only the message tells them apart.
    return /fragments/i.test(err.message)
      ? limitFailure(code, { limit: "max_fragments", value: settings.maxFragments }, `message in over ${settings.maxFragments} fragments`)
      : limitFailure(code, { limit: "max_buffered_chunks", value: settings.maxBufferedChunks }, `frame in over ${settings.maxBufferedChunks} socket reads`);
  }
  return { code, reason: closeReason(err.message), hit: null };
}

/** A message over max_message_bytes (ws's maxPayload; the sandbox harness checks it the same way). */
export function overMaxMessageBytes(maxMessageBytes: number): { hit: LimitHit; what: string } {
  return { hit: { limit: "max_message_bytes", value: maxMessageBytes }, what: `message over ${maxMessageBytes} bytes` };
}

/** The reason sent when a limit closes a connection: what happened and the key that set it. */
export function limitReason(hit: LimitHit, what: string): string {
  return closeReason(`${what} (${hit.limit})`);
}

function limitFailure(code: number, hit: LimitHit, what: string): ReceiverFailure {
  return { code, reason: limitReason(hit, what), hit };
}

/** RFC 6455 section 5.5: a close frame's payload is at most 125 bytes, 2 of them the code. */
const MAX_REASON_BYTES = 123;

function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= MAX_REASON_BYTES) return text;
  // Cut on a character boundary: the reason must stay valid UTF-8.
  let cut = text.slice(0, MAX_REASON_BYTES);
  while (Buffer.byteLength(cut) > MAX_REASON_BYTES) cut = cut.slice(0, -1);
  return cut;
}
