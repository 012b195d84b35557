/// <reference path="./nylon-plugin-types.d.ts" />
declare module 'nylon:plugin/guest@0.3.0' {
  /**
   * Once per instance, before any other call, with the plugin's `config` from YAML as JSON text.
   */
  export function init(config: string): void;
  /**
   * The entries this plugin registered and the phases each handles (asked once, after init).
   */
  export function entries(): Array<EntryInfo>;
  /**
   * Runs one phase of a middleware entry for request `req`. `entry` is the entry's index in the list
   * `entries` returned (an index, not the name, so the hot path passes no string). After the last
   * phase the entry handles, the plugin may drop the entry's per-request state.
   */
  export function onPhase(req: number, entry: number, phase: Phase): PhaseResult;
  /**
   * The request ended before the last phase some entry handles (an error, a client gone):
   * per-request state may be dropped. Not called when every entry already ran its last phase.
   */
  export function onRequestEnd(req: number): void;
  export function wsOnOpen(conn: number): void;
  export function wsOnMessageText(conn: number, message: string): void;
  export function wsOnMessageBinary(conn: number, data: Uint8Array): void;
  export function wsOnClose(conn: number, code: number, reason: string): void;
  export function wsOnError(conn: number, error: string): void;
  /**
   * A timer set with `set-timer` is due.
   */
  export function onTimer(id: number): void;
  /**
   * The same callbacks, several at once, in order (the host batches busy connections).
   */
  export function wsOnEvents(events: Array<WsEvent>): void;
  /**
   * An operation the plugin started (`kv-*`, `http-request`) has its result (0.3.0). Components built
   * against an older minor version do not have this export; they cannot start an operation either.
   */
  export function onResult(op: number, outcome: OpResult): void;
  export type Phase = import('nylon:plugin/types@0.3.0').Phase;
  export type PhaseResult = import('nylon:plugin/types@0.3.0').PhaseResult;
  export type WsEvent = import('nylon:plugin/types@0.3.0').WsEvent;
  export type EntryInfo = import('nylon:plugin/types@0.3.0').EntryInfo;
  export type OpResult = import('nylon:plugin/types@0.3.0').OpResult;
}
