import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { componentEmbed, componentNew } from "@bytecodealliance/jco";
import { NylonError } from "../errors.js";
import { goSdkDir, witDir } from "../package-paths.js";
import { HOST_CONTRACT_VERSION } from "../plugin/contract.js";
import { goCacheInputs } from "./go-inputs.js";
import { findGo, GO_BUILD_LIMITS, NEED_GO, type GoToolchain } from "./go-toolchain.js";
import type { GuestLanguage, PluginSource } from "./guest-language.js";
import { preview1Adapter } from "./preview1-adapter.js";
import { runToolchain } from "./toolchain-process.js";

/**
 * Go plugins (`package main` with the SDK `nylon/sdk`, registering in `func init()`): compiled by the
 * Go toolchain for wasip1 as a reactor, then wrapped into a component whose WASI imports are served
 * by nylon's own adapter (preview1-adapter.ts), so it imports nothing but the contract. A folder
 * needs only its .go files: nylon supplies a go.mod when there is none, and the SDK module through
 * a workspace, so nothing is fetched and nothing is written into the folder.
 */
export const go: GuestLanguage = {
  name: "go",

  detect(abs: string, stat: fs.Stats): PluginSource | null {
    const dir = stat.isDirectory() ? abs : abs.endsWith(".go") ? path.dirname(abs) : null;
    if (!dir) return null;
    const hasModule = fs.existsSync(path.join(dir, "go.mod"));
    if (!hasModule && !fs.existsSync(path.join(dir, "main.go"))) return null;
    const name = path.basename(dir);
    return { language: "go", name, dir, entry: dir, defaultOutput: path.join(dir, `${name}.wasm`) };
  },

  cacheInputs: goCacheInputs,

  buildLimits: GO_BUILD_LIMITS,

  async compile(source, progress) {
    const toolchain = await findGo();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-go-build-"));
    try {
      progress(`compiling with ${toolchain.version} (GOOS=wasip1 GOARCH=wasm)`);
      const core = await goBuild(toolchain, source, work);
      progress("wrapping into a WebAssembly component (preview1 adapter)");
      try {
        return await componentize(core);
      } catch (cause) {
        throw new NylonError("NYLON_E_BUILD", `componentize failed: ${(cause as Error).message}`, { cause });
      }
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  },
};

/** `go build -buildmode=c-shared` of the plugin's folder into `work`; Go's own messages on failure. */
async function goBuild(toolchain: GoToolchain, source: PluginSource, work: string): Promise<Uint8Array> {
  const output = path.join(work, "plugin.wasm");
  const args = ["build", "-buildmode=c-shared", "-trimpath", "-o", output];
  if (!fs.existsSync(path.join(source.dir, "go.mod"))) {
    // An overlay lends the folder a go.mod for this build only.
    const goMod = path.join(work, "go.mod");
    fs.writeFileSync(goMod, `module ${moduleName(source.name)}\n\ngo ${MIN_GO_LINE}\n`);
    const overlay = path.join(work, "overlay.json");
    fs.writeFileSync(overlay, JSON.stringify({ Replace: { [path.join(source.dir, "go.mod")]: goMod } }));
    args.push("-overlay", overlay);
  }
  // The workspace puts the SDK module beside the plugin's, so `import "nylon/sdk"` resolves locally.
  const goWork = path.join(work, "go.work");
  fs.writeFileSync(goWork, `go ${toolchain.version.replace(/^go/, "").replace(/[^0-9.].*$/, "")}\n\nuse ${JSON.stringify(source.dir)}\nuse ${JSON.stringify(goSdkDir)}\n`);
  args.push(source.dir);
  await runToolchain({
    command: toolchain.command,
    args,
    // From the user's folder, so Go's messages name files as the user sees them.
    cwd: process.cwd(),
    env: { ...process.env, GOOS: "wasip1", GOARCH: "wasm", GOWORK: goWork, GOTOOLCHAIN: "local" },
    installHint: NEED_GO,
  });
  return fs.readFileSync(output);
}

/** The language version a generated go.mod declares: the oldest Go that builds plugins. */
const MIN_GO_LINE = "1.24";

/** A module path made from a folder's name (letters, digits and -._~ are allowed). */
function moduleName(folder: string): string {
  return folder.replace(/[^A-Za-z0-9._~-]/g, "-").replace(/^[-.]+/, "") || "plugin";
}

let adapter: Promise<Uint8Array> | undefined;

/** The core module with the contract's world embedded, made a component with the preview1 adapter. */
async function componentize(core: Uint8Array): Promise<Uint8Array> {
  const wit = fs.readFileSync(path.join(witDir, "plugin.wit"), "utf8");
  adapter ??= preview1Adapter(wit, HOST_CONTRACT_VERSION);
  const embedded = await componentEmbed({ binary: core, witSource: wit, world: "plugin" });
  return componentNew(embedded, [["wasi_snapshot_preview1", await adapter]]);
}
