import type { OpFailure } from "../plugin/op-failure.js";

/** One HTTP request a plugin sends (checked already: an allowed host, valid headers). */
export interface OutboundRequest {
  method: string;
  url: URL;
  /** Name/value pairs in order; a name may repeat. */
  headers: { name: string; value: string }[];
  body: Uint8Array | null;
}

export interface OutboundResponse {
  kind: "response";
  status: number;
  /** Lower-case names, one entry per value, as the upstream sent them. */
  headers: { name: string; value: string }[];
  body: Uint8Array;
}

export type OutboundOutcome = OutboundResponse | OpFailure;

/**
 * What sends one request (no redirects: outbound-call.ts follows them, checking each hop): undici in
 * the proxy, stubs or undici in the harness. `send` answers `done` once, perhaps synchronously, and
 * returns a function that abandons the request (its deadline passed); after that `done` is not called.
 */
export interface OutboundTransport {
  send(request: OutboundRequest, maxResponseBytes: number, done: (outcome: OutboundOutcome) => void): () => void;
  close(): Promise<void>;
}
