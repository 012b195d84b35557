import { FUEL_EXPORT, REFILL_TABLE_EXPORT } from "./fuel-injector.js";
import { REFILL_SLICE } from "./fuel.js";
import { threadCpuMs } from "./thread-cpu-time.js";

/**
 * `(module (import "nylon" "refill" (func (result i32))) (export "refill" (func 0)))`: re-exporting
 * the host's refill function from a module turns it into a WebAssembly function, which is what a
 * guest's funcref table can hold.
 */
const REFILL_TRAMPOLINE = new WebAssembly.Module(
  Uint8Array.of(
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // type 0: [] -> [i32]
    0x02, 0x10, 0x01, 0x05, 0x6e, 0x79, 0x6c, 0x6f, 0x6e, 0x06, 0x72, 0x65, 0x66, 0x69, 0x6c, 0x6c, 0x00, 0x00, // import nylon.refill
    0x07, 0x0a, 0x01, 0x06, 0x72, 0x65, 0x66, 0x69, 0x6c, 0x6c, 0x00, 0x00, // export "refill" func 0
  ),
);

/** The clocks a deadline is measured on, in milliseconds. */
export interface DeadlineClock {
  wallMs(): number;
  /** CPU time of the thread the guest runs on (thread-cpu-time.ts). */
  cpuMs(): number;
}

export const SYSTEM_CLOCK: DeadlineClock = { wallMs: () => performance.now(), cpuMs: threadCpuMs };

/**
 * The sandbox's handles on one plugin instance: the fuel global and refill table of each of its core
 * modules and the memories they export (filled in as the glue instantiates the core modules), and
 * the deadline of the guest call under way.
 *
 * A guest asks for fuel every REFILL_SLICE units of work, and `refill` reads the clocks: the call's
 * deadline has passed once `deadline_ms` of wall-clock time have gone by since the call started (less
 * credited waits) and the call's thread has used as much CPU time. With CPU to spare the two
 * coincide; on an oversubscribed machine the CPU condition keeps a callback from failing because
 * other processes held the CPU. The clocks start at the first refill, so a call that finishes within
 * one slice (nearly every call) never reads them.
 */
export class InstanceMeter {
  private readonly fuel: WebAssembly.Global[] = [];
  private readonly memories = new Set<WebAssembly.Memory>();
  private refillFunction: unknown;
  private budgetMs = 0;
  /** When the call under way started on each clock; undefined until its first refill. */
  private wallStart: number | undefined;
  private cpuStart = 0;
  /** No CPU check before this wall time: a thread's CPU time cannot grow faster than the wall clock. */
  private nextCpuCheck = 0;

  constructor(private readonly clock: DeadlineClock = SYSTEM_CLOCK) {}

  record(instance: WebAssembly.Instance): void {
    for (const value of Object.values(instance.exports)) {
      if (value instanceof WebAssembly.Memory) this.memories.add(value);
    }
    const fuel = instance.exports[FUEL_EXPORT];
    if (fuel instanceof WebAssembly.Global) this.fuel.push(fuel);
    const table = instance.exports[REFILL_TABLE_EXPORT];
    if (table instanceof WebAssembly.Table) table.set(0, this.refiller());
  }

  /** A guest call starts with `deadlineMs` to run. */
  startCall(deadlineMs: number): void {
    for (const g of this.fuel) g.value = REFILL_SLICE;
    this.budgetMs = deadlineMs;
    this.wallStart = undefined;
    this.nextCpuCheck = 0;
  }

  /**
   * Time the call spent waiting for something that is not its own work (a worker's host call waiting
   * for the event loop, partly spinning): it counts on neither clock.
   */
  credit(ms: number): void {
    if (this.wallStart === undefined) return;
    this.wallStart += ms;
    this.cpuStart += ms;
  }

  /** True when some module ran out of fuel, i.e. the last call trapped on its deadline. */
  exhausted(): boolean {
    return this.fuel.some((g) => (g.value as number) < 0);
  }

  /** Size of the largest memory (the guest heap; the adapters' memories are a few pages). */
  memoryBytes(): number {
    let max = 0;
    for (const m of this.memories) max = Math.max(max, m.buffer.byteLength);
    return max;
  }

  /** A module ran out of fuel: another slice, or -1 (the module then traps) once the deadline passed. */
  private refill(): number {
    const wall = this.clock.wallMs();
    if (this.wallStart === undefined) {
      this.wallStart = wall;
      this.cpuStart = this.clock.cpuMs();
      return REFILL_SLICE;
    }
    if (wall - this.wallStart < this.budgetMs || wall < this.nextCpuCheck) return REFILL_SLICE;
    const cpuLeft = this.budgetMs - (this.clock.cpuMs() - this.cpuStart);
    if (cpuLeft <= 0) return -1;
    this.nextCpuCheck = wall + cpuLeft;
    return REFILL_SLICE;
  }

  private refiller(): unknown {
    this.refillFunction ??= new WebAssembly.Instance(REFILL_TRAMPOLINE, { nylon: { refill: () => this.refill() } }).exports["refill"];
    return this.refillFunction;
  }
}
