// Where the repository's artefacts live, found from this file so it works from dist/ and from any cwd.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("no package.json above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRepoRoot();
/** The `nylon` command as the package ships it (the bundled runtime, `npm run build`). */
export const nylonCliPath = join(repoRoot, "dist", "bundle", "nylon.js");

/** The component `nylon build plugins/<name>` writes. */
export function pluginWasmPath(name: string): string {
  return join(repoRoot, "plugins", name, `${name}.wasm`);
}

/** A compiled script of this repository, e.g. "bench/servers/ws-echo" → dist/bench/servers/ws-echo.js. */
export function compiledScriptPath(sourcePathWithoutExtension: string): string {
  return join(repoRoot, "dist", `${sourcePathWithoutExtension}.js`);
}
