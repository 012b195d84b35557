import fs from "node:fs";
import path from "node:path";

/** Every file under `dir`, at any depth, as absolute paths in a stable order. */
export function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name))
    .sort();
}
