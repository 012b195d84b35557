// The load-time rewrite of core modules (runtime/plugin/sandbox): fuel metering must stop loops and
// recursion, leave results unchanged, count exactly one unit per function entry and loop iteration
// (so no immediate byte was mistaken for a `loop` opcode), and the memory cap must make grow fail.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import binaryen from "binaryen";
import "../../runtime/plugin/component-loader.js"; // enables extended-const, as the proxy does
import { FUEL_EXPORT, REFILL_TABLE_EXPORT } from "../../runtime/plugin/sandbox/fuel-injector.js";
import { sandboxModule } from "../../runtime/plugin/sandbox/sandbox-module.js";
import { INSTRUMENTATION_VERSION, instrumentModule } from "../../runtime/plugin/sandbox/instrumentation.js";
import { WasmFormatError } from "../../runtime/plugin/sandbox/wasm-bytes.js";

function assemble(wat: string): Uint8Array {
  const module = binaryen.parseText(wat);
  // What Node 20 runs; with GC enabled binaryen would encode `ref.null func` as the GC `nofunc` type.
  const f = binaryen.Features;
  module.setFeatures(f.MVP | f.BulkMemory | f.BulkMemoryOpt | f.SIMD128 | f.ReferenceTypes | f.NontrappingFPToInt | f.SignExt | f.Multivalue | f.MutableGlobals);
  assert.ok(module.validate(), "test module is valid");
  const bytes = module.emitBinary();
  module.dispose();
  return bytes;
}

interface Sandboxed {
  exports: Record<string, unknown>;
  fuel: WebAssembly.Global;
}

function instantiate(wat: string, options = { memoryMb: 1, initialFuel: 1_000_000 }, imports: WebAssembly.Imports = {}): Sandboxed {
  const bytes = sandboxModule(assemble(wat), options);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
  return { exports: instance.exports, fuel: instance.exports[FUEL_EXPORT] as WebAssembly.Global };
}

function fn(s: Sandboxed, name: string): (...args: unknown[]) => unknown {
  return s.exports[name] as (...args: unknown[]) => unknown;
}

describe("fuel metering", () => {
  it("traps an endless loop once the fuel is spent", () => {
    const s = instantiate(`(module (func (export "spin") (loop $l (br $l))))`);
    s.fuel.value = 10_000;
    assert.throws(() => fn(s, "spin")(), WebAssembly.RuntimeError);
    assert.ok((s.fuel.value as number) < 0);
  });

  it("traps unbounded recursion by fuel before the stack overflows", () => {
    const s = instantiate(`(module (func $r (export "rec") (call $r)))`);
    s.fuel.value = 1000;
    assert.throws(() => fn(s, "rec")(), WebAssembly.RuntimeError);
    assert.equal(s.fuel.value, -1);
  });

  it("burns one unit per call and per loop iteration and leaves results unchanged", () => {
    const s = instantiate(`(module
      (func (export "sum") (param $n i32) (result i32) (local $acc i32)
        (block $done
          (loop $next
            (br_if $done (i32.eqz (local.get $n)))
            (local.set $acc (i32.add (local.get $acc) (local.get $n)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $next)))
        (local.get $acc)))`);
    s.fuel.value = 1000;
    assert.equal(fn(s, "sum")(10), 55);
    // 1 function entry + 11 loop heads (10 iterations and the one that exits)
    assert.equal(s.fuel.value, 1000 - 12);
  });

  it("finds every loop behind immediates of every instruction family", () => {
    // Each immediate below contains a 0x03 byte (the `loop` opcode) or a multi-byte encoding; a
    // decoder that misreads one would insert a check in the wrong place (invalid module) or miss a loop.
    const s = instantiate(`(module
      (memory 1)
      (table 2 funcref)
      (elem (i32.const 0) $id $id)
      (data $d "\\03\\03\\03\\03")
      (global $g (mut i64) (i64.const 3))
      (type $t (func (param i32) (result i32)))
      (func $id (param i32) (result i32) (local.get 0))
      (func (export "mix") (param $x i32) (result i32) (local $v v128) (local $i i32)
        (drop (f32.const 3.0000002))
        (drop (f64.const 3.0000000000000004))
        (drop (i64.const 0x0303030303))
        (global.set $g (i64.const -3))
        (i32.store offset=3 align=1 (i32.const 0) (i32.const 771))
        (drop (i32.load8_u offset=3 (i32.const 3)))
        (memory.copy (i32.const 3) (i32.const 0) (i32.const 3))
        (memory.fill (i32.const 3) (i32.const 3) (i32.const 3))
        (memory.init $d (i32.const 8) (i32.const 0) (i32.const 3))
        (data.drop $d)
        (drop (i32.trunc_sat_f64_s (f64.const 3.5)))
        (local.set $v (v128.const i8x16 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3))
        (local.set $v (i8x16.shuffle 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 3 (local.get $v) (local.get $v)))
        (drop (i8x16.extract_lane_u 3 (local.get $v)))
        (local.set $v (v128.load32_lane offset=3 3 (i32.const 0) (local.get $v)))
        (drop (select (result i32) (i32.const 3) (i32.const 3) (local.get $x)))
        (drop (ref.is_null (ref.null func)))
        (drop (ref.func $id))
        (drop (call_indirect (type $t) (i32.const 3) (i32.const 1)))
        (block $b3 (block $b2 (block $b1
          (br_table $b1 $b2 $b3 (i32.const 3)))))
        (local.set $i (i32.const 3))
        (loop $a (local.set $i (i32.sub (local.get $i) (i32.const 1))) (br_if $a (local.get $i)))
        (block $out (loop $b (br_if $out (i32.const 1)) (br $b)))
        (if (local.get $x) (then (loop $c (nop))))
        (call $id (local.get $x))))`);
    s.fuel.value = 1000;
    assert.equal(fn(s, "mix")(7), 7);
    // entries: mix, call_indirect $id, call $id = 3; loops: $a 3 times, $b once, $c once = 5
    assert.equal(s.fuel.value, 1000 - 8);
  });

  it("appends the fuel global after imported and defined globals and keeps their values", () => {
    const imported = new WebAssembly.Global({ value: "i32", mutable: false }, 41);
    const s = instantiate(
      `(module
        (import "env" "g" (global $imp i32))
        (global $a (export "a") i32 (i32.const 7))
        (global $b (export "b") (mut i32) (i32.const 9))
        (func (export "read") (result i32) (i32.add (global.get $imp) (global.get $b))))`,
      { memoryMb: 1, initialFuel: 55 },
      { env: { g: imported } },
    );
    assert.equal((s.exports["a"] as WebAssembly.Global).value, 7);
    assert.equal((s.exports["b"] as WebAssembly.Global).value, 9);
    assert.equal(s.fuel.value, 55);
    assert.equal(fn(s, "read")(), 50);
    assert.equal(s.fuel.value, 54);
  });

  it("gives a module without globals, tables or exports those sections", () => {
    const bytes = sandboxModule(assemble(`(module (func (loop)))`), { memoryMb: 1, initialFuel: 3 });
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(bytes));
    assert.deepEqual(exports, [
      { name: FUEL_EXPORT, kind: "global" },
      { name: REFILL_TABLE_EXPORT, kind: "table" },
    ]);
  });

  it("appends its table, types and function after the module's own, which keep their indices", () => {
    const s = instantiate(`(module
      (type $unary (func (param i32) (result i32)))
      (table (export "t") 2 funcref)
      (elem (i32.const 0) $double $inc)
      (func $double (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
      (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
      (func (export "apply") (param i32 i32) (result i32) (call_indirect (type $unary) (local.get 1) (local.get 0))))`);
    s.fuel.value = 1000;
    assert.equal(fn(s, "apply")(0, 20), 40);
    assert.equal(fn(s, "apply")(1, 20), 21);
  });
});

describe("memory cap", () => {
  const grower = `(module (memory (export "memory") 1)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`;

  it("makes memory.grow fail past memory_mb", () => {
    const s = instantiate(grower, { memoryMb: 2, initialFuel: 1000 });
    assert.equal(fn(s, "grow")(31), 1); // 32 pages = 2 MiB
    assert.equal(fn(s, "grow")(1), -1);
    assert.equal((s.exports["memory"] as WebAssembly.Memory).buffer.byteLength, 2 * 1024 * 1024);
  });

  it("keeps a smaller maximum the module already has", () => {
    const s = instantiate(`(module (memory (export "memory") 1 3)
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`, { memoryMb: 64, initialFuel: 1000 });
    assert.equal(fn(s, "grow")(3), -1);
    assert.equal(fn(s, "grow")(2), 1);
  });

  it("refuses a module whose initial memory is over the cap", () => {
    assert.throws(() => sandboxModule(assemble(`(module (memory 40))`), { memoryMb: 1, initialFuel: 1 }), WasmFormatError);
  });
});

describe("malformed input", () => {
  it("rejects what is not a core module", () => {
    assert.throws(() => sandboxModule(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), { memoryMb: 1, initialFuel: 1 }), WasmFormatError);
  });

  it("rejects a truncated code section instead of guessing", () => {
    const bytes = assemble(`(module (func (drop (i32.const 3))))`);
    assert.throws(() => sandboxModule(bytes.subarray(0, bytes.length - 2), { memoryMb: 1, initialFuel: 1 }), WasmFormatError);
  });
});

describe("prepared modules", () => {
  // Plugins are rewritten once, when prepared, and the result is reused while INSTRUMENTATION_VERSION
  // stays the same. If this test fails because fuel-injector.ts changed what it emits on purpose, bump
  // INSTRUMENTATION_VERSION (runtime/plugin/sandbox/instrumentation.ts) and put the new digest here.
  it("the rewrite of a known module is what INSTRUMENTATION_VERSION stands for", () => {
    // (module (func (export "f") (loop $l (br $l)))), written out byte by byte.
    const module = Uint8Array.from([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // types: () -> ()
      0x03, 0x02, 0x01, 0x00, // one function of type 0
      0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, // export "f" = function 0
      0x0a, 0x09, 0x01, 0x07, 0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b, // code: loop (br 0) end end
    ]);
    const rewritten = instrumentModule(module, { version: INSTRUMENTATION_VERSION, initialFuel: 1000 });
    assert.equal(INSTRUMENTATION_VERSION, 2);
    assert.equal(createHash("sha256").update(rewritten).digest("hex"), "e3364b43ccdc54b6349b85381132f9e985814b034dc071957dcedbe758864c31");
  });
});
