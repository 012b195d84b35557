// The `guest` interface of the WIT world, implemented once for every plugin. `nylon build` makes a
// plugin's entry module import the plugin source and then re-export `guest` from here.
import { host, type EntryInfo, type Phase, type PhaseResult, type WsEvent } from "./host.js";
import { installClockAndRandom, installConsole } from "./console.js";
import {
  PhaseHandler,
  PhaseLogging,
  PhaseRequestFilter,
  PhaseResponseBodyFilter,
  PhaseResponseFilter,
  type PhaseContext,
} from "./phase.js";
import { registry } from "./plugin.js";
import { deliverResult, runFor } from "./operations.js";
import type { OpResult } from "./host.js";
import { fireTimer, installTimers } from "./timers.js";
import type { OpenConnection } from "./websocket.js";

installConsole();
installClockAndRandom();
installTimers();

/** A plugin registers at most this many entries, so (request, entry) makes one numeric key. */
const MAX_ENTRIES = 1024;
/** Per-request handlers, keyed by req * MAX_ENTRIES + entry index; dropped after the entry's last phase. */
const handlers = new Map<number, PhaseHandler>();
/** Open connections and their callbacks, keyed by the connection handle. */
const connections = new Map<number, OpenConnection>();

/**
 * Which phases each entry handles, found by running its registration function once with a probe
 * handler (registration functions only register handlers, as in every Nylon example).
 */
/** By the index the host passes to `on-phase`: each entry's name, registration function and last phase. */
const entryNames: string[] = [];
const entryRegisters: ((phase: PhaseHandler) => void)[] = [];
const entryLastPhase: (Phase | undefined)[] = [];

function describeEntries(): EntryInfo[] {
  const out: EntryInfo[] = [];
  if (registry.entries.size > MAX_ENTRIES) throw new Error(`a plugin may register at most ${MAX_ENTRIES} entries`);
  entryNames.length = 0;
  entryRegisters.length = 0;
  entryLastPhase.length = 0;
  for (const [name, register] of registry.entries) {
    const probe = new PhaseHandler(0);
    register(probe);
    const h = probe.handlers;
    const phases: Phase[] = [];
    if (h.requestFilter) phases.push("request-filter");
    if (h.responseFilter) phases.push("response-filter");
    if (h.responseBodyFilter) phases.push("response-body-filter");
    if (h.logging) phases.push("logging");
    out.push({ name, phases });
    entryNames.push(name);
    entryRegisters.push(register);
    entryLastPhase.push(phases[phases.length - 1]);
  }
  return out;
}

// QuickJS stacks hold only the frames, so the message goes first.
function describe(thrown: unknown): string {
  if (!(thrown instanceof Error)) return String(thrown);
  return thrown.stack ? `${thrown.name}: ${thrown.message}\n${thrown.stack}` : `${thrown.name}: ${thrown.message}`;
}

function handlerFor(req: number, index: number): PhaseHandler | undefined {
  const key = req * MAX_ENTRIES + index;
  let handler = handlers.get(key);
  if (handler) return handler;
  const register = entryRegisters[index];
  if (!register) return undefined;
  handler = new PhaseHandler(req);
  register(handler);
  handlers.set(key, handler);
  return handler;
}

/** After an entry's last phase, the host calls no more of its phases for this request: drop its state. */
function dropIfLast(req: number, index: number, phase: Phase): void {
  if (entryLastPhase[index] === phase) handlers.delete(req * MAX_ENTRIES + index);
}

function registerConnection(conn: OpenConnection): void {
  connections.set(conn.ws.handle, conn);
}

function runPhase(req: number, index: number, phase: Phase): PhaseResult {
  const handler = handlerFor(req, index);
  if (!handler) {
    host.log("error", `no handler registered for entry #${index}`);
    return "failed";
  }
  const h = handler.handlers;
  let ctx: PhaseContext;
  let run: ((ctx: never) => void) | undefined;
  switch (phase) {
    case "request-filter":
      ctx = new PhaseRequestFilter(req, registerConnection);
      run = h.requestFilter;
      break;
    case "response-filter":
      ctx = new PhaseResponseFilter(req);
      run = h.responseFilter;
      break;
    case "response-body-filter":
      ctx = new PhaseResponseBodyFilter(req);
      run = h.responseBodyFilter;
      break;
    default:
      ctx = new PhaseLogging(req);
      run = h.logging;
  }
  // A phase the entry does not handle continues, as in Nylon's Go SDK.
  if (!run) return "next";
  runFor(ctx, () => (run as (ctx: PhaseContext) => void)(ctx));
  if (ctx.decision !== "unset" || ctx.waiting === 0) return ctx.decision;
  ctx.suspended = true;
  return "pending";
}

/** A throwing callback is logged and closes its connection with 1011; the instance lives on. */
function callbackFailed(conn: number, thrown: unknown): void {
  host.log("error", `WebSocket callback failed: ${describe(thrown)}`);
  try {
    host.wsClose(conn, 1011, "plugin error");
  } catch {
    // already closing
  }
}

// One function per event, without closures: these run for every WebSocket message.
function onOpen(conn: number): void {
  const o = connections.get(conn);
  if (!o?.callbacks.onOpen) return;
  try {
    o.callbacks.onOpen(o.ws);
  } catch (thrown) {
    callbackFailed(conn, thrown);
  }
}
function onText(conn: number, message: string): void {
  const o = connections.get(conn);
  if (!o?.callbacks.onMessageText) return;
  try {
    o.callbacks.onMessageText(o.ws, message);
  } catch (thrown) {
    callbackFailed(conn, thrown);
  }
}
function onBinary(conn: number, data: Uint8Array): void {
  const o = connections.get(conn);
  if (!o?.callbacks.onMessageBinary) return;
  try {
    o.callbacks.onMessageBinary(o.ws, data);
  } catch (thrown) {
    callbackFailed(conn, thrown);
  }
}
function onClose(conn: number, code: number, reason: string): void {
  const o = connections.get(conn);
  connections.delete(conn);
  if (!o?.callbacks.onClose) return;
  try {
    o.callbacks.onClose(o.ws, code, reason);
  } catch (thrown) {
    host.log("error", `WebSocket onClose failed: ${describe(thrown)}`);
  }
}
function onError(conn: number, error: string): void {
  const o = connections.get(conn);
  if (!o?.callbacks.onError) return;
  try {
    o.callbacks.onError(o.ws, error);
  } catch (thrown) {
    callbackFailed(conn, thrown);
  }
}

export const guest = {
  init(config: string): void {
    const parsed: unknown = config === "" ? {} : JSON.parse(config);
    for (const fn of registry.initializers) fn(parsed);
  },
  entries: describeEntries,
  onPhase(req: number, entryIndex: number, phase: Phase): PhaseResult {
    try {
      return runPhase(req, entryIndex, phase);
    } catch (thrown) {
      host.log("error", `entry "${entryNames[entryIndex] ?? entryIndex}" ${phase} failed: ${describe(thrown)}`);
      return "failed";
    } finally {
      dropIfLast(req, entryIndex, phase);
    }
  },
  onRequestEnd(req: number): void {
    for (let i = 0; i < entryNames.length; i++) handlers.delete(req * MAX_ENTRIES + i);
  },
  wsOnOpen: onOpen,
  wsOnMessageText: onText,
  wsOnMessageBinary: onBinary,
  wsOnClose: onClose,
  wsOnError: onError,
  onTimer(id: number): void {
    try {
      fireTimer(id);
    } catch (thrown) {
      host.log("error", `timer callback failed: ${describe(thrown)}`);
    }
  },
  onResult(op: number, result: OpResult): void {
    try {
      deliverResult(op, result);
    } catch (thrown) {
      host.log("error", `callback of operation ${op} failed: ${describe(thrown)}`);
    }
  },
  wsOnEvents(events: WsEvent[]): void {
    for (const e of events) {
      switch (e.tag) {
        case "open":
          onOpen(e.val);
          break;
        case "text":
          onText(e.val[0], e.val[1]);
          break;
        case "binary":
          onBinary(e.val[0], e.val[1]);
          break;
        case "close":
          onClose(e.val[0], e.val[1], e.val[2]);
          break;
        case "error":
          onError(e.val[0], e.val[1]);
      }
    }
  },
};
