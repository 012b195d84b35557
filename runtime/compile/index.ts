// nylon-proxy/build: build plugins from their sources, and prepare components for a proxy (the glue and the
// sandboxed modules it runs them with). Needs the plugin toolchain (the package's optional dependencies).
export { buildPlugin, type BuildResult } from "./build-plugin.js";
export { preparePlugin, writePreparedBeside } from "./prepare-plugin.js";
