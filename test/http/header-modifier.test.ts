import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NylonError } from "../../runtime/errors.js";
import { applyHeaderModifier, applyHeaderModifierToMap, parseHeaderModifierPayload } from "../../runtime/http/header-modifier.js";

const invalid = (e: unknown) => e instanceof NylonError && e.code === "NYLON_E_INVALID_HEADER";

describe("header modifiers", () => {
  it("set replaces every existing header of that name, whatever its case (Nylon G10 appended)", () => {
    const payload = parseHeaderModifierPayload({ set: [{ name: "X-Version", value: "2" }] }, "response");
    const before = { "x-version": "1", "X-VERSION": ["0", "1"], other: "o" };
    const after = applyHeaderModifier(before, payload);
    assert.deepEqual(after, { other: "o", "x-version": "2" });
    assert.deepEqual(before, { "x-version": "1", "X-VERSION": ["0", "1"], other: "o" }, "the input is not changed");
  });

  it("remove runs after set and ignores case", () => {
    const payload = parseHeaderModifierPayload({ set: [{ name: "x-a", value: "1" }, { name: "x-b", value: "2" }], remove: ["X-B", "Server"] }, "request");
    assert.deepEqual(applyHeaderModifier({ server: "upstream", host: "h" }, payload), { host: "h", "x-a": "1" });
  });

  it("works on the pipeline's Map of response headers", () => {
    const payload = parseHeaderModifierPayload({ set: [{ name: "Cache-Control", value: "no-store" }], remove: ["x-powered-by"] }, "response");
    const out = applyHeaderModifierToMap(new Map<string, string | string[]>([["cache-control", "max-age=60"], ["x-powered-by", "php"], ["set-cookie", ["a", "b"]]]), payload);
    assert.deepEqual([...out], [["set-cookie", ["a", "b"]], ["cache-control", "no-store"]]);
  });

  it("refuses CR/LF and bad names, and response framing headers", () => {
    assert.throws(() => parseHeaderModifierPayload({ set: [{ name: "x-a", value: "1\r\nx-injected: 1" }] }, "request"), invalid);
    assert.throws(() => parseHeaderModifierPayload({ set: [{ name: "bad name", value: "1" }] }, "request"), invalid);
    assert.throws(() => parseHeaderModifierPayload({ remove: ["x\n"] }, "request"), invalid);
    assert.throws(() => parseHeaderModifierPayload({ set: [{ name: "Content-Length", value: "1" }] }, "response"), invalid);
    assert.throws(() => parseHeaderModifierPayload({ set: "x" }, "request"), invalid);
    assert.deepEqual(parseHeaderModifierPayload(undefined, "request"), { set: [], remove: [] });
  });
});
