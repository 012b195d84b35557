// A plugin build in a worker thread (buildPluginOffThread): type-checking, componentizing and
// generating the glue take seconds of synchronous work that would otherwise stop the proxy that
// `nylon run --watch` serves.
import fs from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { transpiledFiles } from "../plugin/glue-cache.js";
import { buildPlugin } from "./build-plugin.js";

const { input, output } = workerData as { input: string; output?: string };
try {
  const result = await buildPlugin(input, { output });
  // The reload that follows finds the new build's glue in the cache instead of generating it on the
  // event loop; if this fails, the reload generates it and reports why.
  await transpiledFiles(result.output, fs.readFileSync(result.output)).catch(() => undefined);
  parentPort!.postMessage({ result });
} catch (err) {
  parentPort!.postMessage({ error: (err as Error).message });
}
