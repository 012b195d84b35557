// A plugin build in a worker thread (buildPluginOffThread): type-checking, componentizing and
// generating the glue take seconds of synchronous work that would otherwise stop the proxy that
// `nylon run --watch` serves.
import { parentPort, workerData } from "node:worker_threads";
import { buildPlugin } from "./build-plugin.js";

const { input, output } = workerData as { input: string; output?: string };
try {
  // The build also writes the prepared glue and sandboxed modules: the reload that follows does none
  // of that work on the event loop.
  const result = await buildPlugin(input, { output });
  parentPort!.postMessage({ result });
} catch (err) {
  parentPort!.postMessage({ error: (err as Error).message });
}
