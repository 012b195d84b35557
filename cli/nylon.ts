// The CLI's entry (bin/nylon.js starts its bundle). Node's module compile cache (Node >= 22.1) keeps
// V8's compiled code for nylon's modules between starts; it must be on before they load, so
// everything else is imported after. Node 20 has no such cache and starts without it.
import module from "node:module";
import { nylonCacheDir } from "../runtime/package-paths.js";

const enableCompileCache = (module as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
enableCompileCache?.(nylonCacheDir("compile-cache"));
await import("./commands.js");
