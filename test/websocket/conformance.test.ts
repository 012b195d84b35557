// RFC 6455 conformance of the echo target (nylon's echo plugin, or plain `ws` until nylon is built),
// case by case with raw frames, plus a differential oracle: a plain `ws` server must give the same
// outcome class for the same bytes. Target: NYLON_CONFORMANCE_TARGET=ws|nylon (see chooseEchoTarget).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { conformanceGroups } from "./conformance-cases.js";
import { describeExpected, describeOutcome, outcomeClasses } from "./conformance-outcomes.js";
import { runCase } from "./conformance-runner.js";
import { chooseEchoTarget, startEchoTarget, startWsEchoTarget, type EchoTarget } from "./targets.js";

/** `ws` validates UTF-8 only once a message is complete; Autobahn grades that "non-strict". */
const WS_IS_NOT_FAIL_FAST = "ws checks UTF-8 only when the message is complete";

const chosen = chooseEchoTarget();
console.log(`# conformance target: ${chosen.name} (${chosen.why})`);

describe(`RFC 6455 conformance against ${chosen.name}`, () => {
  let target: EchoTarget | undefined;
  let reference: EchoTarget | undefined;

  // A target that fails to start fails every case: no silent fallback to ws.
  before(async () => {
    target = await startEchoTarget(chosen.name);
    reference = chosen.name === "ws" ? target : await startWsEchoTarget();
  });
  after(async () => {
    await target?.stop();
    if (reference !== target) await reference?.stop();
  });

  for (const group of conformanceGroups) {
    describe(group.name, () => {
      for (const testCase of group.cases) {
        it(`${testCase.id} ${testCase.title}`, async (t) => {
          assert.ok(target && reference, "the target did not start");
          const run = await runCase(target, testCase);
          await t.test("strict outcome", () => {
            assert.deepEqual(
              run.outcomes.map(describeOutcome),
              testCase.expect.map((expected) => describeExpected(expected, target!)),
            );
          });
          if (testCase.failFast) {
            await t.test("rejected before the message ended (fail fast)", { todo: chosen.name === "ws" && WS_IS_NOT_FAIL_FAST }, () => {
              assert.ok(run.closedBeforeFinalStep, "the close frame came only after the final fragment");
            });
          }
          await t.test("same outcome class as plain ws", { skip: reference === target && "the target is plain ws" }, async () => {
            const referenceRun = await runCase(reference!, testCase);
            assert.deepEqual(
              outcomeClasses(run.outcomes, testCase.expect, target!),
              outcomeClasses(referenceRun.outcomes, testCase.expect, reference!),
            );
          });
        });
      }
    });
  }
});
