import fs from "node:fs";
import path from "node:path";
import { goSdkDir } from "../package-paths.js";
import { filesUnder } from "./files-under.js";
import { findGo } from "./go-toolchain.js";
import type { CacheInputs, PluginSource } from "./guest-language.js";
import { packageVersion } from "./package-version.js";

/** Build outputs that live in a plugin's folder: never inputs. */
const OUTPUT = /\.wasm(\.|$)/;

/** The environment the go command reads that changes what it compiles. */
const GO_ENV = ["GOFLAGS", "GOWASM", "GOEXPERIMENT", "GOAMD64"] as const;

/**
 * What a Go plugin's component is made from: every file of its folder (its packages, go.mod and
 * go.sum, files it embeds), the folders its go.mod replaces modules with, and the SDK module; the Go
 * version and the environment that steers it; the componentizer's version. Modules from the
 * network are pinned by go.sum, and the standard library by the Go version.
 */
export async function goCacheInputs(source: PluginSource): Promise<CacheInputs> {
  const go = await findGo();
  const files = [source.dir, ...localReplacements(source.dir), goSdkDir].flatMap((dir) => filesUnder(dir)).filter((f) => !OUTPUT.test(f));
  const toolchain: Record<string, string> = { go: go.version, jco: packageVersion("@bytecodealliance/jco") };
  for (const name of GO_ENV) toolchain[name] = process.env[name] ?? "";
  return { files: [...files, path.join(source.dir, "go.mod"), path.join(source.dir, "go.sum")], toolchain };
}

/** The local folders of `replace ... => ./dir` (or ../dir, /dir) directives in the plugin's go.mod. */
function localReplacements(dir: string): string[] {
  let goMod: string;
  try {
    goMod = fs.readFileSync(path.join(dir, "go.mod"), "utf8");
  } catch {
    return [];
  }
  const targets = [...goMod.matchAll(/=>\s*((?:\.{1,2}\/|\/)[^\s)]*)/g)].map((m) => path.resolve(dir, m[1]!));
  return targets.filter((target) => fs.statSync(target, { throwIfNoEntry: false })?.isDirectory());
}
