// Messages between a plugin's worker thread (guest-worker.ts) and the event loop (worker-guest.ts).
import type { MessagePort } from "node:worker_threads";
import type { EntryInfo, GuestExports } from "../guest-exports.js";
import type { PluginLimits } from "../plugin-limits.js";
import type { Failure } from "../sandbox/failure-reason.js";

/** Given to the worker when it starts. */
export interface WorkerSetup {
  modules: Map<string, WebAssembly.Module>;
  glueSource: string;
  /** The names of the host functions; the worker forwards each call to the event loop. */
  hostFunctions: string[];
  config: string;
  limits: PluginLimits;
  /** Int32 slot 0: the event loop sets it to 1 when a host call's reply is on `replies`; slot 1 stays 0 (see guest-worker.ts). */
  signal: SharedArrayBuffer;
  replies: MessagePort;
}

export type GuestMethod = Exclude<keyof GuestExports, "init" | "entries">;

/** Event loop -> worker: run a guest export, or replace a failed instance with a fresh one (then `ready`). */
export type WorkerRequest = { kind: "call"; id: number; method: GuestMethod; args: unknown[] } | { kind: "rebuild" };

/** Worker -> event loop. */
export type WorkerMessage =
  | { kind: "ready"; entries: EntryInfo[] }
  | { kind: "init-failed"; failure: Failure }
  | { kind: "host"; name: string; args: unknown[] }
  /** A host function the guest does not wait for (it returns nothing and cannot fail). */
  | { kind: "notify"; name: string; args: unknown[] }
  | { kind: "result"; id: number; value?: unknown; failure?: Failure; returned: boolean };

/** Event loop -> worker, on `replies`: what a host call returned, its host error, the guest's exit, or a host-side crash. */
export type HostReply = { value: unknown } | { hostError: { code: string; message: string } } | { exit: number } | { crash: string };
