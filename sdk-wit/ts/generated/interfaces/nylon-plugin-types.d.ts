declare module 'nylon:plugin/types@0.2.0' {
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
   * has logged the error and the host answers 500.
   * # Variants
   * 
   * ## `"unset"`
   * 
   * ## `"next"`
   * 
   * ## `"end"`
   * 
   * ## `"failed"`
   */
  export type PhaseResult = 'unset' | 'next' | 'end' | 'failed';
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
