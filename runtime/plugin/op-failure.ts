import type { ErrorCode } from "../errors.js";

/**
 * How a store operation or an outbound call a plugin started failed, as the plugin sees it in
 * `on-result`: a stable code and a message for people. Plain data, so it crosses processes as is.
 */
export interface OpFailure {
  kind: "failed";
  code: ErrorCode;
  message: string;
}

export function opFailure(code: ErrorCode, message: string): OpFailure {
  return { kind: "failed", code, message };
}
