// A plugin's worker thread (`isolation: worker`): it owns the guest instance and runs each export the
// event loop asks for; after a failure it builds a fresh instance when asked (a thread is only
// replaced when it stops answering). Host functions run on the event loop: each is a synchronous round trip (the
// guest's calls into the host are synchronous in the WIT contract), so this thread waits on `signal`
// while the event loop, which never waits for this thread, serves the call.
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { importGlue, instantiateParts, type ComponentInstance } from "../component-instance.js";
import { clockAndRandomImports } from "../host-imports.js";
import { systemClock } from "../plugin-clock.js";
import { GuestExit } from "../sandbox/failure-reason.js";
import { guardedCall, startInstance } from "../sandbox/guarded-call.js";
import type { HostReply, WorkerMessage, WorkerRequest, WorkerSetup } from "./worker-protocol.js";

const setup = workerData as WorkerSetup;
const port = parentPort!;
const signal = new Int32Array(setup.signal);

function post(message: WorkerMessage): void {
  port.postMessage(message);
}

/** An Int32 slot of `signal` nobody notifies: waiting on it is a short sleep. */
const LATE_REPLY_SLOT = 1;

/** About 50–100 µs of polling before the thread sleeps on a host call's reply. */
const REPLY_SPINS = 20_000;

function hostCall(name: string, args: unknown[]): unknown {
  const started = performance.now();
  Atomics.store(signal, 0, 0);
  post({ kind: "host", name, args });
  // The reply usually comes within tens of µs: spinning that long is far cheaper than sleeping and
  // being woken (a futex wake per host call), and this thread has nothing else to do meanwhile.
  for (let spins = 0; spins < REPLY_SPINS && Atomics.load(signal, 0) === 0; spins++);
  Atomics.wait(signal, 0, 0);
  // The reply is posted before the signal is set, yet now and then it shows on this side of the port a
  // few µs after the signal (measured: about once per 100,000 calls): poll for it briefly.
  let received = receiveMessageOnPort(setup.replies);
  while (!received) {
    Atomics.wait(signal, LATE_REPLY_SLOT, 0, 0.05);
    received = receiveMessageOnPort(setup.replies);
  }
  // The call's deadline measures the guest's own time, not the event loop's: a busy event loop must
  // not fail a well-behaved plugin.
  instance?.meter.credit(performance.now() - started);
  const reply = received.message as HostReply;
  if ("value" in reply) return reply.value;
  // The jco glue turns a thrown object with a payload into the WIT err(host-error).
  if ("hostError" in reply) throw { payload: reply.hostError };
  if ("exit" in reply) throw new GuestExit(reply.exit);
  throw new Error(reply.crash);
}

// The clock and randomness need no round trip: this thread reads the same system clock (a plugin in a
// worker always runs on it). A guest's output returns nothing and cannot fail, so it is sent without
// waiting (a Go panic's text is a hundred small writes). Every other host function is a round trip.
const inThread: Record<string, unknown> = {
  ...clockAndRandomImports(systemClock),
  writeOutput: (...args: unknown[]) => post({ kind: "notify", name: "writeOutput", args }),
};
const hostImports = Object.fromEntries(
  setup.hostFunctions.map((name) => [name, inThread[name] ?? ((...args: unknown[]) => hostCall(name, args))]),
);

const instantiate = await importGlue(setup.glueSource);
let instance: ComponentInstance | null = null;

/** A fresh instance from the compiled modules, initialised; `ready` with its entries, or why init failed. */
function build(): void {
  const started = startInstance(() => instantiateParts(instantiate, setup.modules, hostImports), setup.config, setup.limits);
  if ("failure" in started) return post({ kind: "init-failed", failure: started.failure });
  instance = started.instance;
  post({ kind: "ready", entries: started.entries });
}

build();
port.on("message", (request: WorkerRequest) => {
  if (request.kind === "rebuild") return build();
  const { id, method, args } = request;
  if (!instance) {
    // A failed instance is never called again; the calls queued behind its failure fail with it.
    post({ kind: "result", id, returned: false, failure: { kind: "error", reason: "the instance was discarded after a failure" } });
    return;
  }
  const guest = instance.guest as unknown as Record<string, (...a: unknown[]) => unknown>;
  const result = guardedCall(instance.meter, setup.limits, () => guest[method]!(...args));
  if (result.failure) instance = null;
  post({ kind: "result", id, returned: result.returned, value: result.returned ? result.value : undefined, failure: result.failure });
});
