import fs from "node:fs";
import v8 from "node:v8";

/** Where the resident memory goes, in bytes. `null` where this platform cannot say. */
export interface MemorySplit {
  rss: number;
  /** V8's heap (JavaScript objects, bytecode and the pages JS code lives on), as resident pages. */
  v8_heap: number;
  /** Machine code V8 generated outside its heap: wasm functions compiled so far (Linux: executable anonymous mappings). */
  wasm_code: number | null;
  /** The compiled core modules' bytes, which V8 keeps beside their code (each distinct module counted once). */
  wasm_modules: number;
  /** Each plugin's linear memory (its current instance's largest memory; `null` for a plugin in a worker thread). */
  linear_memory: Record<string, number | null>;
  /** Everything else: Node itself, native buffers, allocator slack. */
  rest: number;
}

/**
 * The split `nylon run` logs at debug level once it has been idle for a moment (bench/startup prints
 * it). Reading /proc/self/smaps takes a few milliseconds, so it is only done when asked.
 */
export function memorySplit(wasmModuleBytes: number, linearMemory: Record<string, number | null>): MemorySplit {
  const rss = process.memoryUsage.rss();
  const heap = v8.getHeapStatistics().total_physical_size;
  const codeInHeap = v8
    .getHeapSpaceStatistics()
    .filter((s) => s.space_name.includes("code"))
    .reduce((sum, s) => sum + s.physical_space_size, 0);
  const executable = executableAnonymousBytes();
  // V8's own code pages are executable mappings too; what is left over is wasm's code space.
  const wasmCode = executable === null ? null : Math.max(0, executable - codeInHeap);
  const linear = Object.values(linearMemory).reduce<number>((sum, n) => sum + (n ?? 0), 0);
  return {
    rss,
    v8_heap: heap,
    wasm_code: wasmCode,
    wasm_modules: wasmModuleBytes,
    linear_memory: linearMemory,
    rest: Math.max(0, rss - heap - (wasmCode ?? 0) - wasmModuleBytes - linear),
  };
}

/** Resident bytes of anonymous executable mappings (JIT code), from /proc/self/smaps; null off Linux. */
function executableAnonymousBytes(): number | null {
  let smaps: string;
  try {
    smaps = fs.readFileSync("/proc/self/smaps", "utf8");
  } catch {
    return null;
  }
  let total = 0;
  let counting = false;
  for (const line of smaps.split("\n")) {
    // A mapping's header: "start-end perms offset dev inode [path]"; anonymous ones have no path.
    const header = /^[0-9a-f]+-[0-9a-f]+ (\S{4}) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      counting = header[1]![2] === "x" && header[2] === "";
      continue;
    }
    if (counting && line.startsWith("Rss:")) total += Number(/(\d+)/.exec(line)![1]) * 1024;
  }
  return total;
}
