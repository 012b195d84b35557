// Deadlines are time, read by the host whenever a guest's fuel slice runs out
// (runtime/plugin/sandbox/instance-meter.ts): a spinning guest traps once its deadline has passed on
// the wall clock and in CPU time, whatever rate its language burns fuel at, and a short call never
// reads the clocks.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import binaryen from "binaryen";
import { REFILL_SLICE } from "../../runtime/plugin/sandbox/fuel.js";
import { InstanceMeter } from "../../runtime/plugin/sandbox/instance-meter.js";
import { sandboxModule } from "../../runtime/plugin/sandbox/sandbox-module.js";

const GUEST = `(module
  (func (export "spin") (loop $l (br $l)))
  (func (export "count") (param $n i32) (loop $l (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br_if $l (local.get $n)))))`;

/** The guest, sandboxed and instantiated the way the loader does it, with a clock the test moves. */
function meteredGuest(cpuPerWallMs = 1): { meter: InstanceMeter; clock: { ms: number; reads: number }; spin(): void; count(n: number): void } {
  const module = binaryen.parseText(GUEST);
  const bytes = module.emitBinary();
  module.dispose();
  const clock = { ms: 0, reads: 0 };
  // Every wall-clock read advances the clock 1 ms; the CPU clock runs `cpuPerWallMs` as fast.
  const meter = new InstanceMeter({
    wallMs: () => {
      clock.reads++;
      return (clock.ms += 1);
    },
    cpuMs: () => clock.ms * cpuPerWallMs,
  });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(sandboxModule(bytes, { memoryMb: 1, initialFuel: 1 })));
  meter.record(instance);
  const exports = instance.exports as { spin(): void; count(n: number): void };
  return { meter, clock, spin: () => exports.spin(), count: (n) => exports.count(n) };
}

describe("deadlines", () => {
  it("a spinning guest traps once the clock passes its deadline, reading the clock once per slice", () => {
    const guest = meteredGuest();
    guest.meter.startCall(50);
    assert.throws(() => guest.spin(), WebAssembly.RuntimeError);
    assert.ok(guest.meter.exhausted());
    // Each refill reads the clock, which this test advances 1 ms per read: the first read starts the
    // deadline at 1 ms, reads at 2..50 ms refill, the read at 51 ms is past the deadline.
    assert.equal(guest.clock.reads, 51);
  });

  it("on an oversubscribed machine the deadline also waits for the call's CPU time", () => {
    // The process gets a quarter of a CPU: 50 ms of CPU take 200 ms of wall-clock time.
    const guest = meteredGuest(0.25);
    guest.meter.startCall(50);
    assert.throws(() => guest.spin(), WebAssembly.RuntimeError);
    assert.ok(guest.meter.exhausted());
    assert.equal(guest.clock.reads, 201);
  });

  it("a call that stays within one slice never reads the clock", () => {
    const guest = meteredGuest();
    guest.meter.startCall(50);
    guest.count(REFILL_SLICE - 10);
    assert.equal(guest.clock.reads, 0);
    assert.equal(guest.meter.exhausted(), false);
  });

  it("a long call within its deadline gets fuel as often as it needs", () => {
    const guest = meteredGuest();
    guest.meter.startCall(1000);
    guest.count(REFILL_SLICE * 20);
    // 20 slices + 1 units of work (the loop and the function entry): the first slice is given with
    // the call, each refill pays for the unit that ran out plus a new slice, so 19 refills.
    assert.equal(guest.clock.reads, 19);
    assert.equal(guest.meter.exhausted(), false);
  });

  it("each call gets its deadline anew, and credited waiting moves it back", () => {
    const guest = meteredGuest();
    guest.meter.startCall(1000);
    guest.count(REFILL_SLICE * 5);
    guest.meter.startCall(10);
    guest.count(REFILL_SLICE * 5);
    assert.equal(guest.meter.exhausted(), false);
    guest.meter.startCall(10);
    guest.count(REFILL_SLICE * 2); // starts the clock
    guest.meter.credit(100);
    guest.count(REFILL_SLICE * 50);
    assert.equal(guest.meter.exhausted(), false, "50 ms of work fits in 10 ms + 100 ms credited");
  });
});
