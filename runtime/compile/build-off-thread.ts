import { Worker } from "node:worker_threads";
import { NylonError } from "../errors.js";
import type { BuildResult } from "./build-plugin.js";

/** buildPlugin in a worker thread: the event loop keeps serving while a plugin builds. */
export function buildPluginOffThread(input: string, options: { output?: string } = {}): Promise<BuildResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./build-worker.js", import.meta.url), { workerData: { input, output: options.output } });
    let settled = false;
    worker.once("message", (message: { result?: BuildResult; error?: string }) => {
      settled = true;
      if (message.result) resolve(message.result);
      else reject(new NylonError("NYLON_E_BUILD", message.error ?? "the build failed"));
    });
    worker.once("error", (err) => {
      settled = true;
      reject(new NylonError("NYLON_E_BUILD", `the build thread crashed: ${err.message}`, { cause: err }));
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new NylonError("NYLON_E_BUILD", `the build thread exited with code ${code} before it finished`));
    });
  });
}
