import { FUEL_EXPORT } from "./fuel-injector.js";

/**
 * The sandbox's handles on one plugin instance: the fuel global of each of its core modules and the
 * memories they export. Filled in as the glue instantiates the core modules.
 */
export class InstanceMeter {
  private readonly fuel: WebAssembly.Global[] = [];
  private readonly memories = new Set<WebAssembly.Memory>();

  record(instance: WebAssembly.Instance): void {
    for (const value of Object.values(instance.exports)) {
      if (value instanceof WebAssembly.Memory) this.memories.add(value);
    }
    const fuel = instance.exports[FUEL_EXPORT];
    if (fuel instanceof WebAssembly.Global) this.fuel.push(fuel);
  }

  /** Gives every core module `units` of fuel for the next guest call. */
  refuel(units: number): void {
    for (const g of this.fuel) g.value = units;
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
}
