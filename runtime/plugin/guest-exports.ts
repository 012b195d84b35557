import type { OpResult } from "./op-result.js";

// The plugin's exports as the jco glue presents them (the `guest` interface of sdk-wit/wit/plugin.wit).

export type Phase = "request-filter" | "response-filter" | "response-body-filter" | "logging";
/** `pending`: the plugin decides later, with `resume-phase` (contract 0.3.0). */
export type PhaseResult = "unset" | "next" | "end" | "failed" | "pending";

export interface EntryInfo {
  name: string;
  phases: Phase[];
}

export type WsEvent =
  | { tag: "open"; val: number }
  | { tag: "text"; val: [number, string] }
  | { tag: "binary"; val: [number, Uint8Array] }
  | { tag: "close"; val: [number, number, string] }
  | { tag: "error"; val: [number, string] };

export interface GuestExports {
  init(config: string): void;
  entries(): EntryInfo[];
  /** `entry` is the index of the entry in the list `entries()` returned. */
  onPhase(req: number, entry: number, phase: Phase): PhaseResult;
  onRequestEnd(req: number): void;
  wsOnOpen(conn: number): void;
  wsOnMessageText(conn: number, message: string): void;
  wsOnMessageBinary(conn: number, data: Uint8Array): void;
  wsOnClose(conn: number, code: number, reason: string): void;
  wsOnError(conn: number, error: string): void;
  onTimer(id: number): void;
  wsOnEvents(events: WsEvent[]): void;
  /** A store operation or outbound call the plugin started has its result (contract 0.3.0; a component built for an older minor version has no such export and never starts one). */
  onResult?(op: number, result: OpResult): void;
}
