import type { OutboundOutcome } from "../outbound/outbound-request.js";
import type { KvOutcome } from "../store/kv-store.js";

/** The `op-result` variant of the contract, as the jco glue passes it to the guest's `on-result`. */
export type OpResult =
  | { tag: "failed"; val: { code: string; message: string } }
  | { tag: "value"; val: Uint8Array | undefined }
  | { tag: "done"; val: boolean }
  | { tag: "count"; val: bigint }
  | { tag: "keys"; val: string[] }
  | { tag: "response"; val: { status: number; headers: { name: string; value: string }[]; body: Uint8Array } };

export function toOpResult(outcome: KvOutcome | OutboundOutcome): OpResult {
  switch (outcome.kind) {
    case "failed":
      return { tag: "failed", val: { code: outcome.code, message: outcome.message } };
    case "value":
      return { tag: "value", val: outcome.value ?? undefined };
    case "done":
      return { tag: "done", val: outcome.done };
    case "count":
      return { tag: "count", val: outcome.count };
    case "keys":
      return { tag: "keys", val: outcome.keys };
    case "response":
      return { tag: "response", val: { status: outcome.status, headers: outcome.headers, body: outcome.body } };
  }
}
