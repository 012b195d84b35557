import type { SlowConsumerPolicy } from "./connection.js";

/** Protocol limits of plugin-owned WebSockets (config `websocket:`, overridable per route). */
export interface WebSocketSettings {
  maxMessageBytes: number;
  /** Most frames one message may arrive in (ws's maxFragments); over it, 1008. */
  maxFragments: number;
  /** Most socket reads held while a frame is incomplete (ws's maxBufferedChunks); over it, 1008. */
  maxBufferedChunks: number;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  /** 0 = no idle timeout. */
  idleTimeoutMs: number;
  perMessageDeflate: boolean;
  sendBufferBytes: number;
  slowConsumer: SlowConsumerPolicy;
}

export const DEFAULT_WEBSOCKET_SETTINGS: WebSocketSettings = {
  maxMessageBytes: 1024 * 1024,
  maxFragments: 16 * 1024,
  maxBufferedChunks: 256 * 1024,
  pingIntervalMs: 20_000,
  pongTimeoutMs: 10_000,
  idleTimeoutMs: 0,
  perMessageDeflate: false,
  sendBufferBytes: 1024 * 1024,
  slowConsumer: "close-1013",
};
