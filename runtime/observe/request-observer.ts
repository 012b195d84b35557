/** What the request pipeline reports when a request is over; the proxy's metrics implement it. */
export interface RequestObserver {
  /** `route` is the matched route's name, "" when none matched. */
  requestFinished(route: string, method: string, status: number, seconds: number): void;
}

export const NO_REQUEST_OBSERVER: RequestObserver = { requestFinished() {} };
