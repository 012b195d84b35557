import type { ComponentInstance } from "../component-loader.js";
import type { EntryInfo } from "../guest-exports.js";
import { INIT_DEADLINE_MS, type PluginLimits } from "../plugin-limits.js";
import { atMemoryCap, classifyFailure, memoryCapFailure, type Failure } from "./failure-reason.js";
import { InstanceMeter } from "./instance-meter.js";

/**
 * What one guest call came to. `failure` without `returned` means it trapped or threw (`thrown`);
 * with `returned` it finished, but its instance ended the call at its memory cap and must go anyway.
 */
export type GuardedResult<T> =
  | { returned: true; value: T; failure?: Failure }
  | { returned: false; failure: Failure; thrown: unknown };

/**
 * One guest call with its deadline, its failure classified (deadline, memory, stack, trap).
 * Shared by plugins called on the event loop and plugins in a worker thread.
 */
export function guardedCall<T>(meter: InstanceMeter, limits: PluginLimits, call: () => T): GuardedResult<T> {
  meter.startCall(limits.deadlineMs);
  let value: T;
  try {
    value = call();
  } catch (thrown) {
    return { returned: false, failure: classifyFailure(thrown, meter, limits), thrown };
  }
  // The guest caught its own out-of-memory (QuickJS throws, the SDK returns `failed` or closes the
  // connection), but its heap stays full: the instance must be recycled rather than fail every later call.
  if (atMemoryCap(meter, limits)) return { returned: true, value, failure: memoryCapFailure(meter, limits) };
  return { returned: true, value };
}

/**
 * A new instance, initialised on the init budget (init runs the plugin's initializers, which may do
 * more than one callback's work): the instance and the entries it registered, or why it failed —
 * in its start code (a Go plugin's package init runs while it is instantiated) or in init. Shared by
 * both isolations.
 */
export function startInstance(
  create: () => ComponentInstance,
  config: string,
  limits: PluginLimits,
): { instance: ComponentInstance; entries: EntryInfo[] } | { failure: Failure; thrown: unknown } {
  let instance: ComponentInstance;
  try {
    instance = create();
  } catch (thrown) {
    return { failure: classifyFailure(thrown, new InstanceMeter(), limits), thrown };
  }
  const { guest, meter } = instance;
  meter.startCall(Math.max(INIT_DEADLINE_MS, limits.deadlineMs));
  try {
    guest.init(config);
    return { instance, entries: guest.entries() };
  } catch (thrown) {
    return { failure: classifyFailure(thrown, meter, limits), thrown };
  }
}
