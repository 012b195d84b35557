declare module 'nylon:plugin/types@0.3.0' {
  /**
   * A header or any other name/value pair (route params, query pairs).
   */
  export interface Header {
    name: string,
    value: string,
  }
  /**
   * The four request phases of a middleware entry.
   * # Variants
   * 
   * ## `"request-filter"`
   * 
   * ## `"response-filter"`
   * 
   * ## `"response-body-filter"`
   * 
   * ## `"logging"`
   */
  export type Phase = 'request-filter' | 'response-filter' | 'response-body-filter' | 'logging';
  /**
   * What a phase decided. `unset` means the handler returned without calling next or end:
   * the host continues and logs it once per plugin. `failed` means the handler threw: the SDK
   * has logged the error and the host answers 500. `pending` (0.3.0) means the plugin decides
   * later, with `resume-phase`, once what it waits for (a store answer, an outbound call) is back.
   * # Variants
   * 
   * ## `"unset"`
   * 
   * ## `"next"`
   * 
   * ## `"end"`
   * 
   * ## `"failed"`
   * 
   * ## `"pending"`
   */
  export type PhaseResult = 'unset' | 'next' | 'end' | 'failed' | 'pending';
  /**
   * # Variants
   * 
   * ## `"trace"`
   * 
   * ## `"debug"`
   * 
   * ## `"info"`
   * 
   * ## `"warn"`
   * 
   * ## `"error"`
   */
  export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /**
   * Where a compiled guest's runtime writes text (its standard output and standard error).
   * # Variants
   * 
   * ## `"stdout"`
   * 
   * ## `"stderr"`
   */
  export type Output = 'stdout' | 'stderr';
  /**
   * An expected failure of a host function. `code` is stable (NYLON_E_...), `message` is for people.
   */
  export interface HostError {
    code: string,
    message: string,
  }
  /**
   * What an entry handles: the host calls only these phases, and buffers a response body only
   * for entries that have a response body filter.
   */
  export interface EntryInfo {
    name: string,
    phases: Array<Phase>,
  }
  /**
   * An HTTP request a plugin sends with `http-request` (0.3.0).
   */
  export interface OutboundRequest {
    method: string,
    /**
     * Absolute http or https URL; its host must be listed in the plugin's `allowed_outbound_hosts`.
     */
    url: string,
    headers: Array<Header>,
    /**
     * Empty: no body.
     */
    body: Uint8Array,
    /**
     * The call's deadline; none, or more than the plugin's `limits.outbound_timeout_ms`, means that limit.
     */
    timeoutMs?: number,
    /**
     * Follow 3xx redirects (each hop's host must be allowed too); otherwise a 3xx is the answer.
     */
    followRedirects: boolean,
  }
  /**
   * The answer to an `http-request` (0.3.0). Header names are lower case.
   */
  export interface OutboundResponse {
    status: number,
    headers: Array<Header>,
    body: Uint8Array,
  }
  /**
   * The result of an operation started with a `kv-*` or `http-request` import, given to `on-result` (0.3.0).
   */
  export type OpResult = OpResultFailed | OpResultValue | OpResultDone | OpResultCount | OpResultKeys | OpResultResponse;
  /**
   * The operation failed: the store is down, the call timed out, a limit was hit.
   */
  export interface OpResultFailed {
    tag: 'failed',
    val: HostError,
  }
  /**
   * `kv-get`: the value, or none for a missing key.
   */
  export interface OpResultValue {
    tag: 'value',
    val: Uint8Array | undefined,
  }
  /**
   * `kv-set` (always true), `kv-delete` (whether the key existed), `kv-compare-and-swap` (whether it swapped).
   */
  export interface OpResultDone {
    tag: 'done',
    val: boolean,
  }
  /**
   * `kv-increment`: the value after the increment.
   */
  export interface OpResultCount {
    tag: 'count',
    val: bigint,
  }
  /**
   * `kv-list-keys`: the keys, in byte order.
   */
  export interface OpResultKeys {
    tag: 'keys',
    val: Array<string>,
  }
  /**
   * `http-request`: the upstream's answer (any status).
   */
  export interface OpResultResponse {
    tag: 'response',
    val: OutboundResponse,
  }
  /**
   * One WebSocket event, for the batched entry point `ws-on-events`.
   */
  export type WsEvent = WsEventOpen | WsEventText | WsEventBinary | WsEventClose | WsEventError;
  export interface WsEventOpen {
    tag: 'open',
    val: number,
  }
  export interface WsEventText {
    tag: 'text',
    val: [number, string],
  }
  export interface WsEventBinary {
    tag: 'binary',
    val: [number, Uint8Array],
  }
  export interface WsEventClose {
    tag: 'close',
    val: [number, number, string],
  }
  export interface WsEventError {
    tag: 'error',
    val: [number, string],
  }
}
