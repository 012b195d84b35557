import { createHash } from "node:crypto";

// Every TypeScript plugin carries the same 1.3 MB QuickJS engine module, and a reload mostly brings
// back modules already loaded: a core module is compiled once per process, whoever asks for it, and
// shared for as long as some plugin holds it (a WebAssembly.Module is immutable; each instance has its
// own memory and globals). Keyed by content, so two different builds never share by mistake.

const compiled = new Map<string, WeakRef<WebAssembly.Module>>();
const compiling = new Map<string, Promise<WebAssembly.Module>>();
/** Bytes of each module alive, for the memory split (runtime/observe/memory-split.ts). */
const sizes = new Map<string, number>();
const forget = new FinalizationRegistry<string>((key) => {
  if (compiled.get(key)?.deref() === undefined) {
    compiled.delete(key);
    sizes.delete(key);
  }
});

/** The compiled module for these bytes: an earlier compile's when one is still alive. */
export function compileShared(bytes: Uint8Array): Promise<WebAssembly.Module> {
  const key = createHash("sha256").update(bytes).digest("hex");
  const alive = compiled.get(key)?.deref();
  if (alive) return Promise.resolve(alive);
  let pending = compiling.get(key);
  if (!pending) {
    pending = WebAssembly.compile(bytes).then(
      (module) => {
        compiling.delete(key);
        compiled.set(key, new WeakRef(module));
        sizes.set(key, bytes.length);
        forget.register(module, key);
        return module;
      },
      (err: unknown) => {
        compiling.delete(key);
        throw err;
      },
    );
    compiling.set(key, pending);
  }
  return pending;
}

/** The bytes of every distinct compiled module still alive. */
export function compiledModuleBytes(): number {
  let total = 0;
  for (const n of sizes.values()) total += n;
  return total;
}
