import { lineDiff, showValue } from "./text-diff.js";
import type { Mismatch, StepOutcome } from "./scenario-runner.js";

/** The pass/fail report `nylon test` prints: one line per step, and a diff under each mismatch. */
export function formatReport(title: string, outcomes: readonly StepOutcome[]): string {
  const lines = [title];
  outcomes.forEach((o, i) => {
    const ok = o.error === null && o.mismatches.length === 0;
    lines.push(`${ok ? "  ✓" : "  ✗"} ${i + 1}. ${o.title}`);
    if (o.error !== null) lines.push(`      error: ${o.error}`);
    for (const m of o.mismatches) lines.push(...formatMismatch(m));
  });
  const failed = outcomes.filter((o) => o.error !== null || o.mismatches.length > 0).length;
  lines.push("", failed === 0 ? `${outcomes.length} steps passed` : `${failed} of ${outcomes.length} steps failed`);
  return lines.join("\n") + "\n";
}

function formatMismatch(m: Mismatch): string[] {
  const inline = [JSON.stringify(m.expected) ?? "undefined", JSON.stringify(m.actual) ?? "undefined"];
  const multiLine = [m.expected, m.actual].some((v) => typeof v === "string" && v.includes("\n"));
  if (!multiLine && inline[0]!.length + inline[1]!.length < 100) return [`      ${m.what}: expected ${inline[0]}, got ${inline[1]}`];
  const expected = showValue(m.expected);
  const actual = showValue(m.actual);
  return [`      ${m.what}: (- expected, + actual)`, ...lineDiff(expected, actual).map((l) => `        ${l}`)];
}
