// The harness runs a request's phases synchronously when the plugin answers at once, and as a
// promise when a phase is left pending (the plugin waits for the store or an outbound call), with one
// piece of code for both.

export type Maybe<T> = T | Promise<T>;

/** `next(value)`, now if the value is there, or once it is. */
export function chain<T, U>(value: Maybe<T>, next: (value: T) => Maybe<U>): Maybe<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Runs `run`; a throw, or a rejection later, becomes a value. */
export function settled<T>(run: () => Maybe<T>): Maybe<Settled<T>> {
  let result: Maybe<T>;
  try {
    result = run();
  } catch (error) {
    return { ok: false, error };
  }
  if (!(result instanceof Promise)) return { ok: true, value: result };
  return result.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}
