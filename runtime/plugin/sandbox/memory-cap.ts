import { ByteReader, encodeU32, WasmFormatError } from "./wasm-bytes.js";
import { SectionId, type Section } from "./wasm-sections.js";

const PAGE = 65536;

/**
 * Gives every memory the module defines a maximum of `capMb` (or keeps a smaller existing one), so
 * `memory.grow` returns -1 past the cap and the guest's allocator reports out-of-memory. Imported
 * memories are the defining module's, already capped. No builder sets a maximum itself
 * (wasm-toolchain-facts §5), so without this a guest can grow to 4 GiB.
 */
export function capMemory(sections: Section[], capMb: number): void {
  const memory = sections.find((s) => s.id === SectionId.memory);
  if (!memory) return;
  const capPages = Math.floor((capMb * 1024 * 1024) / PAGE);
  const r = new ByteReader(memory.body);
  const count = r.u32();
  const parts: Uint8Array[] = [encodeU32(count)];
  for (let i = 0; i < count; i++) {
    const flags = r.byte();
    if (flags & 0x04) throw new WasmFormatError("64-bit memories are not supported by the sandbox");
    const min = r.u32();
    const max = flags & 0x01 ? r.u32() : Infinity;
    if (min > capPages) {
      throw new WasmFormatError(`the module starts with ${(min * PAGE) / 2 ** 20} MiB of memory, over limits.memory_mb = ${capMb}`);
    }
    parts.push(Uint8Array.of(flags | 0x01), encodeU32(min), encodeU32(Math.min(max, capPages)));
  }
  memory.body = Buffer.concat(parts);
}
