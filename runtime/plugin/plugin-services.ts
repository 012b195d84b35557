import type { OutboundTransport } from "../outbound/outbound-request.js";
import type { KvStore } from "../store/kv-store.js";
import { MemoryKvStore } from "../store/memory-kv-store.js";

/**
 * What a plugin host reaches beyond its own instance: the node's store, the transport of outbound
 * calls, and how answers are handed back to the plugin. One set serves every plugin of a proxy; the
 * harness supplies its own (a store on its manual clock, stubbed calls, answers in its step queue).
 */
export interface PluginServices {
  store: KvStore;
  /** Null when no plugin may call out (a call is then refused before it would need one). */
  outbound: OutboundTransport | null;
  /** Runs `deliver` after the current callback, never inside it (a component instance cannot be re-entered). */
  schedule(deliver: () => void): void;
}

/**
 * Answers are handed to plugins on the next turn of the event loop, all that arrived in one turn
 * together: a plugin whose every result starts another operation then never starves sockets and
 * timers, as it would with a microtask per answer.
 */
export function nextTurn(): (deliver: () => void) => void {
  let queue: (() => void)[] = [];
  const flush = (): void => {
    const due = queue;
    queue = [];
    for (const deliver of due) deliver();
  };
  return (deliver) => {
    if (queue.push(deliver) === 1) setImmediate(flush);
  };
}

let standalone: PluginServices | undefined;

/** For a plugin host built on its own (benchmarks, tools): a store of its own in memory, no outbound calls. */
export function standaloneServices(): PluginServices {
  standalone ??= { store: new MemoryKvStore(), outbound: null, schedule: nextTurn() };
  return standalone;
}
