import { componentize } from "componentize-qjs";
import { witDir } from "../package-paths.js";

/**
 * Wraps a bundled plugin into a component with the QuickJS backend: 1–2 MB and a 2–3 s build
 * (StarlingMonkey gives 12 MB). `sync` avoids the async runtime, which needs JSPI (absent in Node 20);
 * `stubWasi` leaves no WASI import, so a plugin has no file system, network, clock or environment.
 */
export async function componentizeQuickJs(jsSource: string): Promise<Buffer> {
  const { component } = await componentize({ witPath: witDir, jsSource, world: "plugin", stubWasi: true, sync: true });
  return component;
}
