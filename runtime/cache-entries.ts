import fs from "node:fs";
import path from "node:path";

// nylon's one store for work done once and kept by content: builds (runtime/compile/build-cache.ts,
// keyed by a plugin's sources) and prepared plugins (runtime/plugin/prepared-store.ts, keyed by a
// component's bytes). An entry is a folder of files named by its key; entries are written whole (a
// folder renamed into place), a read marks the entry as recently used, and the least recently used
// are removed beyond a size cap. The store holds code nylon runs, so it lives in the user's own
// cache folder (package-paths.ts, nylonCacheDir), never a shared /tmp.

/** Beyond this many bytes of entries under one root, the least recently used are removed (a build is ~2 MB). */
const MAX_CACHE_BYTES = 512 * 1024 * 1024;

/** The files of the entry `key` under `root`, or null when there is none (a hit also marks the entry as recently used). */
export function readCacheEntry(root: string, key: string): Record<string, Uint8Array> | null {
  const dir = path.join(root, key);
  try {
    const names = JSON.parse(fs.readFileSync(path.join(dir, "files.json"), "utf8")) as string[];
    const files = Object.fromEntries(names.map((name) => [name, fs.readFileSync(path.join(dir, name))]));
    const now = new Date();
    fs.utimesSync(dir, now, now);
    return files;
  } catch {
    return null;
  }
}

/** Stores `files` under `key`. A cache that cannot be written costs only the next use its time, so failures are ignored. */
export function writeCacheEntry(root: string, key: string, files: Record<string, Uint8Array>): void {
  const dir = path.join(root, key);
  try {
    fs.mkdirSync(root, { recursive: true, mode: 0o700 });
    const partial = fs.mkdtempSync(path.join(root, `${key}.partial-`));
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(partial, name), content);
    fs.writeFileSync(path.join(partial, "files.json"), JSON.stringify(Object.keys(files)));
    try {
      fs.renameSync(partial, dir);
    } catch {
      // Another process stored the same entry meanwhile: the same key, so the same content.
      fs.rmSync(partial, { recursive: true, force: true });
    }
    evictBeyond(MAX_CACHE_BYTES, root);
  } catch {
    // see above
  }
}

/** Removes the least recently used entries until `root` holds at most `maxBytes`. */
function evictBeyond(maxBytes: number, root: string): void {
  const entries = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^[0-9a-f]{64}$/.test(d.name))
    .map((d) => {
      const dir = path.join(root, d.name);
      const bytes = fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
      return { dir, bytes, used: fs.statSync(dir).mtimeMs };
    })
    .sort((a, b) => b.used - a.used);
  let total = 0;
  for (const entry of entries) {
    total += entry.bytes;
    if (total > maxBytes) fs.rmSync(entry.dir, { recursive: true, force: true });
  }
}
