// Plays one conformance case against a target over a fresh raw connection and collects what happened.
import { setTimeout as sleep } from "node:timers/promises";
import type { ConformanceCase } from "./conformance-cases.js";
import { RawClient, type Outcome } from "./raw-client.js";
import type { EchoTarget } from "./targets.js";

const DEFAULT_CASE_TIMEOUT_MS = 3000;

export interface CaseRun {
  outcomes: Outcome[];
  /** For fail-fast cases: whether the server's close frame arrived before the final step was written. */
  closedBeforeFinalStep: boolean;
}

const hasClose = (outcomes: Outcome[]) => outcomes.some((outcome) => outcome.kind === "close");

export async function runCase(target: EchoTarget, testCase: ConformanceCase): Promise<CaseRun> {
  const client = await RawClient.connect(target.url);
  try {
    let closedBeforeFinalStep = false;
    for (const [index, step] of testCase.steps.entries()) {
      const isFinal = index === testCase.steps.length - 1;
      if (testCase.failFast && isFinal) closedBeforeFinalStep = await client.waitUntil(hasClose, step.pauseBeforeMs ?? 0);
      else if (step.pauseBeforeMs) await sleep(step.pauseBeforeMs);
      await client.send(step.bytes, step.chopSize);
    }
    // Done when as many outcomes arrived as expected, or the server hung up (nothing more can come).
    const complete = (outcomes: Outcome[]) => outcomes.length >= testCase.expect.length || outcomes.at(-1)?.kind === "tcp-close";
    const completed = await client.waitUntil(complete, testCase.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS);
    return { outcomes: completed ? [...client.outcomes] : [...client.outcomes, { kind: "timeout" }], closedBeforeFinalStep };
  } finally {
    client.destroy();
  }
}
