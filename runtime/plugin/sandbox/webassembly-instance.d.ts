// The WebAssembly JS API types the sandbox needs beyond runtime/types/webassembly.d.ts (declarations merge).
declare namespace WebAssembly {
  type ImportValue = unknown;
  type Imports = Record<string, Record<string, ImportValue>>;
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Record<string, unknown>;
  }
  class Global {
    constructor(descriptor: { value: string; mutable?: boolean }, value?: unknown);
    value: unknown;
  }
  class Table {
    set(index: number, value: unknown): void;
  }
}
