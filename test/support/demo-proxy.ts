// The demo (nylon.yaml at the repository root) run on a free port: the e2e tests exercise exactly
// the configuration users start with `npm run demo`.
import { after, before } from "node:test";
import { demoConfigYaml, type DemoChanges } from "./demo-config.js";
import { freePort, startNylon, type NylonProcess } from "./nylon-process.js";

/**
 * Starts the demo once for the calling test file (or suite) and stops it after its tests, with the
 * `changes` given. The returned getter is valid inside tests (after `before` ran).
 */
export function useDemoProxy(changes: DemoChanges = {}): () => NylonProcess {
  let nylon: NylonProcess | undefined;
  before(async () => {
    nylon = await startNylon(demoConfigYaml(await freePort(), changes));
  });
  after(async () => {
    await nylon?.stop();
  });
  return () => {
    if (!nylon) throw new Error("the demo proxy is not running (useDemoProxy's before hook has not run)");
    return nylon;
  };
}
