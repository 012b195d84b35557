import type { IncomingHttpHeaders } from "node:http";
import type { WsConnection } from "../websocket/connection.js";
import type { WebSocketSettings } from "../websocket/websocket-settings.js";

/** The response a plugin builds (or the upstream's, as filters see and change it). */
export interface ResponseState {
  status: number;
  /** Lower-case name -> value(s). */
  headers: Map<string, string | string[]>;
  body: Buffer | null;
  /** Body bytes sent to the client so far (for logging). */
  bytesSent: number;
  /** The failure text, when the request failed (logging phase). */
  error: string | null;
  /** A plugin is streaming the body (server-sent events). */
  streaming: "no" | "open" | "ended";
}

/** One request as the pipeline and the plugins' host functions see it. */
export interface RequestContext {
  /** The host's handle, passed to plugins. */
  readonly id: number;
  readonly method: string;
  /** Path and query, normalised (request-target.ts): what was routed on, what plugins and the upstream see. */
  readonly target: string;
  readonly path: string;
  /** Raw query string without "?". */
  readonly query: string;
  readonly host: string;
  readonly tls: boolean;
  readonly clientIp: string;
  readonly startedAt: number;
  /** The request headers that go upstream (plugins and RequestHeaderModifier change them). */
  headers: IncomingHttpHeaders;
  params: Record<string, string>;
  /** The whole request body, read before the request filters when it fits the cap. */
  body: Buffer | null;
  /** The body is over the cap: plugins cannot have it, but it still streams to the upstream. */
  bodyTooLarge: boolean;
  /** A plugin asked for a body that is over the cap: the client gets 413. */
  bodyRefused: boolean;
  response: ResponseState;
  /** The payload of the middleware currently running, rendered JSON text. */
  currentPayload: string | undefined;
  /** Set by `websocket-upgrade`: the pending connection and the chosen subprotocol. */
  upgrade: { conn: WsConnection; protocol: string | undefined } | null;
  /** Why this request cannot become a WebSocket, or null when it is a valid upgrade. */
  readonly upgradeError: string | null;
  readonly offeredProtocols: string[];
  /** Protocol limits for a WebSocket opened on this route. */
  readonly wsSettings: WebSocketSettings;
  /** Where a streaming plugin's response goes; set by the pipeline when streaming is possible. */
  stream: ResponseStreamSink | null;
}

/** The client side of a streamed (chunked) response. */
export interface ResponseStreamSink {
  start(): void;
  write(chunk: Buffer): void;
  end(): void;
}

let nextRequestId = 1;

/** Request handles are u32 in the contract; they wrap long after any request using an old one ended. */
export function allocateRequestId(): number {
  const id = nextRequestId;
  nextRequestId = nextRequestId >= 0xfffffff0 ? 1 : nextRequestId + 1;
  return id;
}

export function newResponseState(): ResponseState {
  return { status: 200, headers: new Map(), body: null, bytesSent: 0, error: null, streaming: "no" };
}
