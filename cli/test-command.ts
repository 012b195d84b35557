import path from "node:path";
import { NylonError } from "../runtime/errors.js";
import { formatReport } from "../runtime/harness/scenario-report.js";
import { runScenario } from "../runtime/harness/scenario-runner.js";
import { loadScenario } from "../runtime/harness/scenario.js";

/** `nylon test <plugin.wasm> <scenario.yaml>`: runs the scenario in the sandbox harness. Returns the exit code. */
export async function testCommand(wasm: string, scenarioFile: string, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  try {
    const scenario = loadScenario(scenarioFile);
    const outcomes = await runScenario(wasm, scenario);
    const title = `${scenario.name ?? path.basename(scenarioFile)} (${path.basename(wasm)})`;
    out.write(formatReport(title, outcomes));
    return outcomes.every((o) => o.error === null && o.mismatches.length === 0) ? 0 : 1;
  } catch (err) {
    process.stderr.write(`nylon test: ${err instanceof NylonError ? err.message : String((err as Error).stack ?? err)}\n`);
    return 2;
  }
}
