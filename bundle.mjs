// npm run build's second step: bundles tsc's output into dist/bundle/ (rolldown.config.mjs), unless
// the bundle is newer than everything it is made from. rolldown always rewrites the folder, and a
// rewrite under running nylon processes (a test suite whose `npm pack` runs prepack, a dev server)
// has them import files that are being replaced; an up-to-date bundle is left alone, as tsc --build
// leaves its own output.
import fs from "node:fs";
import path from "node:path";
import { build } from "rolldown";
import config from "./rolldown.config.mjs";

const BUILT_STAMP = path.join(config.output.dir, ".built");
/** What the bundle is made from: tsc's output, the dependencies it carries (by the lockfile), this step. */
const SOURCES = ["dist/cli", "dist/runtime", "package-lock.json", "rolldown.config.mjs", "bundle.mjs"];

function newestChange(file) {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(file).map((name) => newestChange(path.join(file, name))));
}

const built = fs.statSync(BUILT_STAMP, { throwIfNoEntry: false })?.mtimeMs ?? 0;
if (built <= Math.max(...SOURCES.map(newestChange))) {
  await build(config);
  fs.writeFileSync(BUILT_STAMP, "");
}
