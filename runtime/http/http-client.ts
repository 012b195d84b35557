// undici, the upstream HTTP client, is loaded when the first http service is built: a proxy without
// one (static files, plugin services) never pays for its ~110 modules. The proxy loads it ahead, as
// a chunk of the bundled runtime (preloadHttpClient); code that builds pools on its own (tests)
// gets it from node_modules on first use.
import { createRequire } from "node:module";

type Undici = typeof import("undici");

let undici: Undici | undefined;

/** Loads undici before a configuration with http services is built. */
export async function preloadHttpClient(): Promise<void> {
  undici ??= await import("undici");
}

export function httpClient(): Undici {
  return (undici ??= createRequire(import.meta.url)("undici") as Undici);
}
