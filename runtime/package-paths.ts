// Where nylon's own files are, wherever it is installed: this file compiles to dist/runtime/.
import { fileURLToPath } from "node:url";
import path from "node:path";

export const packageRoot = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const witDir = path.join(packageRoot, "sdk-wit", "wit");
export const sdkDir = path.join(packageRoot, "sdk-wit", "ts");
/** The Go SDK's module (`nylon/sdk`), which `nylon build` supplies to Go plugins. */
export const goSdkDir = path.join(packageRoot, "sdk-wit", "go");
/** The contract version this proxy speaks, read from the WIT package line. */
export const CONTRACT_PACKAGE = "nylon:plugin";
