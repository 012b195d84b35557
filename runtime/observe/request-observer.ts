/** How an Upgrade tunnelled to an http upstream ended its handshake (see ws-tunnel.ts). */
export type TunnelOutcome =
  /** The upstream answered 101: bytes flow both ways until either side closes. */
  | "opened"
  /** The upstream answered without 101 (403, 404, ...): its answer was relayed. */
  | "refused"
  /** No endpoint, connection error or timeout: nylon answered 502 or 504. */
  | "failed"
  /** The client went away before the upstream answered. */
  | "abandoned";

/** What the request pipeline reports when a request is over; the proxy's metrics implement it. */
export interface RequestObserver {
  /** `route` is the matched route's name, "" when none matched. */
  requestFinished(route: string, method: string, status: number, seconds: number): void;
  /** A tunnelled upgrade to the http service `service` got its outcome; once per upgrade. */
  tunnelSettled(service: string, outcome: TunnelOutcome): void;
  /** A tunnel that `tunnelSettled` reported as opened closed (either side); once per such tunnel. */
  tunnelClosed(service: string): void;
}

export const NO_REQUEST_OBSERVER: RequestObserver = { requestFinished() {}, tunnelSettled() {}, tunnelClosed() {} };
