/**
 * Effects that must not run inside the guest call that caused them: a close the plugin starts is
 * answered by the client later, so its `ws-on-close` runs after the current callback returns, as
 * behind a real socket (and a component instance cannot be re-entered).
 */
export class DeferredEffects {
  private readonly queue: (() => void)[] = [];

  /** Effects waiting to run. */
  get size(): number {
    return this.queue.length;
  }

  defer(effect: () => void): void {
    this.queue.push(effect);
  }

  /** Runs everything queued, including what the effects themselves queue. */
  drain(): void {
    for (let effect = this.queue.shift(); effect; effect = this.queue.shift()) effect();
  }
}
