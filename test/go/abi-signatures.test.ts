// The Go SDK's hand-written canonical ABI against the WIT: every go:wasmimport and go:wasmexport has
// the core signature jco derives from sdk-wit/wit (a dummy module embedded from the WIT carries one
// import or export per function, typed as the canonical ABI flattens it), and between the SDK and
// the preview1 adapter every host function is used.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { componentEmbed, parse } from "@bytecodealliance/jco";
import { goSdkDir, witDir } from "../../runtime/package-paths.js";
import { HOST_CONTRACT_VERSION } from "../../runtime/plugin/contract.js";
import { preview1AdapterWat } from "../../runtime/compile/preview1-adapter.js";
import { moduleSignatures, signature, type Signature } from "../support/wasm-signatures.js";

const wit = fs.readFileSync(path.join(witDir, "plugin.wit"), "utf8");
const HOST = `nylon:plugin/host@${HOST_CONTRACT_VERSION}`;
const GUEST = `nylon:plugin/guest@${HOST_CONTRACT_VERSION}`;

/** Go parameter and result types as go:wasmimport/go:wasmexport pass them. */
const GO_CORE_TYPES: Record<string, string> = {
  uint32: "i32",
  int32: "i32",
  "unsafe.Pointer": "i32",
  uint64: "i64",
  int64: "i64",
  float32: "f32",
  float64: "f64",
};

function coreType(goType: string, where: string): string {
  const t = GO_CORE_TYPES[goType.trim()];
  assert.ok(t, `${where}: Go type ${goType} has no core equivalent`);
  return t;
}

/** "a, b uint32, p unsafe.Pointer" -> ["i32", "i32", "i32"]. */
function goParams(list: string, where: string): string[] {
  const out: string[] = [];
  let pendingNames = 0;
  for (const part of list.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [, type] = part.split(/\s+/, 2);
    if (!type) {
      pendingNames++;
      continue;
    }
    for (let i = 0; i <= pendingNames; i++) out.push(coreType(type, where));
    pendingNames = 0;
  }
  return out;
}

/** Every `//go:wasm{import,export} ...` directive of the SDK with the signature of the func under it. */
function goDeclarations(kind: "wasmimport" | "wasmexport"): Map<string, Signature> {
  const found = new Map<string, Signature>();
  for (const file of fs.readdirSync(goSdkDir).filter((f) => f.endsWith(".go"))) {
    const source = fs.readFileSync(path.join(goSdkDir, file), "utf8");
    const pattern = new RegExp(`^//go:${kind} ([^\\n]+)\\n(?://[^\\n]*\\n)*func \\w+\\(([^)]*)\\)\\s*([\\w.]*)`, "gm");
    for (const m of source.matchAll(pattern)) {
      const name = m[1]!.trim().replace(/\s+/, " ");
      const where = `${file}: ${name}`;
      found.set(name, signature(goParams(m[2]!, where), m[3] ? [coreType(m[3], where)] : []));
    }
  }
  return found;
}

/**
 * The WIT's core signatures under the names go:wasmimport/go:wasmexport use. jco names the dummy's
 * functions in the newer `cm32p2` scheme ("cm32p2|nylon:plugin/host@0.2" "log",
 * "cm32p2|nylon:plugin/guest@0.2|init", "cm32p2_realloc"); wit-component accepts both schemes and
 * the signatures are the same.
 */
async function contractSignatures(): Promise<{ imports: Map<string, Signature>; exports: Map<string, Signature> }> {
  const dummy = moduleSignatures(await componentEmbed({ witSource: wit, dummy: true, world: "plugin" }));
  const legacy = (name: string) =>
    name
      .replace(/^cm32p2\|nylon:plugin\/(\w+)@[^ |]+ /, (_, iface: string) => `nylon:plugin/${iface}@${HOST_CONTRACT_VERSION} `)
      .replace(/^cm32p2\|nylon:plugin\/(\w+)@[^|]+\|/, (_, iface: string) => `nylon:plugin/${iface}@${HOST_CONTRACT_VERSION}#`)
      .replace(/^cm32p2_realloc$/, "cabi_realloc");
  return {
    imports: new Map([...dummy.imports].map(([name, sig]) => [legacy(name), sig])),
    exports: new Map([...dummy.exports].filter(([name]) => !name.endsWith("_post")).map(([name, sig]) => [legacy(name), sig])),
  };
}

const contract = await contractSignatures();

test("every go:wasmimport is a host function of this contract version, with the WIT's core signature", () => {
  const declared = goDeclarations("wasmimport");
  assert.ok(declared.size > 30, `found ${declared.size} go:wasmimport declarations`);
  for (const [name, sig] of declared) {
    assert.ok(name.startsWith(`${HOST} `), `${name} imports from ${HOST}`);
    assert.equal(sig, contract.imports.get(name), `${name}: Go declares ${sig}, the WIT flattens to ${contract.imports.get(name)}`);
  }
});

test("every guest export of the WIT is a go:wasmexport with its core signature, and cabi_realloc is there", () => {
  const declared = goDeclarations("wasmexport");
  const required = [...contract.exports].filter(([name]) => name.startsWith(`${GUEST}#`) || name === "cabi_realloc");
  assert.ok(required.length >= 12, `the WIT has ${required.length} guest functions`);
  for (const [name, sig] of required) {
    assert.equal(declared.get(name), sig, `${name}: Go declares ${declared.get(name)}, the WIT flattens to ${sig}`);
  }
  for (const name of declared.keys()) assert.ok(contract.exports.has(name), `${name} is exported by the Go SDK but not in the WIT`);
});

test("the preview1 adapter imports host functions with the WIT's signatures; with the SDK it uses every one", async () => {
  const adapter = moduleSignatures(await parse(preview1AdapterWat(HOST_CONTRACT_VERSION)));
  const used = new Set(goDeclarations("wasmimport").keys());
  for (const [name, sig] of adapter.imports) {
    if (name === "env memory") continue;
    assert.equal(sig, contract.imports.get(name), `adapter import ${name}`);
    used.add(name);
  }
  const unused = [...contract.imports.keys()].filter((name) => !used.has(name) && !["now-ms", "random-bytes"].some((n) => name === `${HOST} ${n}`));
  assert.deepEqual(unused, [], "host functions neither the Go SDK nor its adapter reaches");
});

test("the adapter exports every WASI preview1 function Go's runtime and os import, as Go declares them", async () => {
  const adapter = moduleSignatures(await parse(preview1AdapterWat(HOST_CONTRACT_VERSION)));
  // As declared in Go's runtime/os_wasip1.go and syscall/fs_wasip1.go (i32 errno results).
  const goDeclares: Record<string, string[]> = {
    sched_yield: [],
    proc_exit: ["i32"],
    args_get: ["i32", "i32"],
    args_sizes_get: ["i32", "i32"],
    clock_time_get: ["i32", "i64", "i32"],
    environ_get: ["i32", "i32"],
    environ_sizes_get: ["i32", "i32"],
    fd_write: ["i32", "i32", "i32", "i32"],
    fd_read: ["i32", "i32", "i32", "i32"],
    random_get: ["i32", "i32"],
    poll_oneoff: ["i32", "i32", "i32", "i32"],
    fd_close: ["i32"],
    fd_fdstat_get: ["i32", "i32"],
    fd_fdstat_set_flags: ["i32", "i32"],
    fd_prestat_get: ["i32", "i32"],
    fd_prestat_dir_name: ["i32", "i32", "i32"],
    path_open: ["i32", "i32", "i32", "i32", "i32", "i64", "i64", "i32", "i32"],
    fd_seek: ["i32", "i64", "i32", "i32"],
    sock_accept: ["i32", "i32", "i32"],
  };
  for (const [name, params] of Object.entries(goDeclares)) {
    assert.equal(adapter.exports.get(name), signature(params, name === "proc_exit" ? [] : ["i32"]), name);
  }
  assert.equal(adapter.exports.size, 46, "the adapter covers all 46 functions of wasi_snapshot_preview1");
});
