// Renders outcomes and expectations as short comparable strings, so a failed case shows a readable diff
// ("close 1002" vs "tcp-close"), and reduces outcomes to classes for the differential oracle.
import { createHash } from "node:crypto";
import type { Expected } from "./conformance-cases.js";
import type { Outcome } from "./raw-client.js";
import type { EchoTarget } from "./targets.js";

const SHOWN_PAYLOAD_BYTES = 40;

function describePayload(type: "text" | "binary", payload: Buffer): string {
  if (payload.length <= SHOWN_PAYLOAD_BYTES) return type === "text" ? JSON.stringify(payload.toString("utf8")) : `0x${payload.toString("hex")}`;
  return `${payload.length} bytes sha256:${createHash("sha256").update(payload).digest("hex").slice(0, 12)}`;
}

export function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case "message":
      return `${outcome.type} ${describePayload(outcome.type, outcome.payload)}`;
    case "ping":
    case "pong":
      return `${outcome.kind} ${describePayload("binary", outcome.payload)}`;
    case "close":
      return outcome.code === undefined ? "empty close" : `close ${outcome.code}`;
    case "garbage":
      return `unreadable server frame: ${outcome.detail}`;
    case "tcp-close":
    case "timeout":
      return outcome.kind;
  }
}

/** What the target must send for an expectation: an echo's text goes through the target's `textEcho`. */
export function describeExpected(expected: Expected, target: EchoTarget): string {
  switch (expected.kind) {
    case "echo":
      return expected.type === "text"
        ? `text ${describePayload("text", Buffer.from(target.textEcho(expected.sent.toString("utf8")), "utf8"))}`
        : `binary ${describePayload("binary", expected.sent)}`;
    case "pong":
      return `pong ${describePayload("binary", expected.payload)}`;
    case "close":
      return `close ${expected.code}`;
    case "empty-close":
      return "empty close";
    case "tcp-close":
      return "tcp-close";
  }
}

/**
 * The outcome class, as Autobahn would compare servers: an echo counts as "echo" when it is the right
 * echo for that target (each target applies its own `textEcho`), otherwise as a wrong one.
 */
export function outcomeClasses(outcomes: Outcome[], expected: Expected[], target: EchoTarget): string[] {
  const rightEchoes = new Set(expected.filter((e) => e.kind === "echo").map((e) => describeExpected(e, target)));
  return outcomes.map((outcome) => {
    if (outcome.kind === "message") return rightEchoes.has(describeOutcome(outcome)) ? `${outcome.type} echo` : `wrong ${outcome.type} echo`;
    if (outcome.kind === "ping" || outcome.kind === "pong") return outcome.kind;
    return describeOutcome(outcome);
  });
}
