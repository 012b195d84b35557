// The `nylon` command line (cli/nylon.ts is its entry). Each command's module is imported when the
// command runs: `nylon run` then never loads the plugin toolchain (TypeScript, rolldown, the
// componentizers, jco), which would cost it startup time and memory.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { Command } from "commander";
import { DEFAULT_BUILD_LIMITS } from "../runtime/compile/compile-process.js";
import { GO_BUILD_LIMITS } from "../runtime/compile/go-toolchain.js";
import { RUST_BUILD_LIMITS } from "../runtime/compile/rust-settings.js";
import { NylonError } from "../runtime/errors.js";
import { importToolchain } from "../runtime/toolchain.js";
import type { BuildCommandOptions } from "./build-command.js";

const { version } = createRequire(import.meta.url)("../../package.json") as { version: string };

const DEFAULT_CONFIG = "/etc/nylon/config.yaml";

/**
 * The configuration file a command uses: the one given, else the default when it exists. Without either,
 * says where it looked and how to give one, rather than failing to read a file the user never named.
 */
function chooseConfig(command: string, argument: string | undefined, option: string | undefined): string | undefined {
  if (argument !== undefined && option !== undefined && argument !== option) {
    process.stderr.write(`nylon ${command}: two configuration files given (${argument} and --config ${option}); give one\n`);
    return undefined;
  }
  const given = argument ?? option;
  if (given !== undefined) return given;
  if (existsSync(DEFAULT_CONFIG)) return DEFAULT_CONFIG;
  const how = command === "validate" ? "nylon validate nylon.yaml (or --config nylon.yaml)" : `nylon ${command} --config nylon.yaml`;
  process.stderr.write(`nylon ${command}: no configuration given, and ${DEFAULT_CONFIG} (the default) does not exist; give one: ${how}\n`);
  return undefined;
}

const program = new Command()
  .name("nylon")
  .description("A reverse proxy whose plugins are sandboxed WebAssembly components")
  .version(version);

program
  .command("run")
  .description("serve with a configuration")
  .option("-c, --config <file>", `the configuration file (default ${DEFAULT_CONFIG})`)
  .option("--watch", "development: rebuild changed plugin sources and reload (config changes reload too)")
  .option("--pid-file <file>", "write the process id here (for nylon reload --pid-file)")
  .option("--workers <n>", 'worker processes serving the listeners: a number, or "auto" for one per core (overrides the config\'s workers)')
  .action(async (opts: { config?: string; watch?: boolean; pidFile?: string; workers?: string }) => {
    const { parseWorkerCount } = await import("../runtime/workers/worker-count.js");
    const workers = opts.workers === undefined ? undefined : parseWorkerCount(opts.workers);
    if (workers === undefined && opts.workers !== undefined) program.error(`nylon run: --workers ${opts.workers} is neither "auto" nor a whole number of 1 or more`);
    const config = chooseConfig("run", undefined, opts.config);
    if (config === undefined) {
      process.exitCode = 1;
      return;
    }
    const { runCommand } = await import("./run-command.js");
    await runCommand(config, {
      ...(opts.watch && { watch: true }),
      ...(opts.pidFile !== undefined && { pidFile: opts.pidFile }),
      ...(workers !== undefined && { workers }),
    });
  });

program
  .command("reload")
  .description("re-read the config and every plugin of a running nylon (sends it SIGHUP)")
  .option("--pid <pid>", "the running nylon's process id")
  .option("--pid-file <file>", "a file holding it (nylon run --pid-file)")
  .option("-c, --config <file>", "check this configuration first; without --pid/--pid-file, signal the nylon serving it")
  .action(async (opts: { pid?: string; pidFile?: string; config?: string }) => {
    const { reloadCommand } = await import("./reload-command.js");
    process.exitCode = await reloadCommand(opts);
  });

program
  .command("build")
  .description("compile plugins to WebAssembly components (unchanged ones come from the build cache)")
  .argument("[plugins...]", "plugin source files or folders (with --all: folders of plugin folders)")
  .option("-o, --output <file>", "where to write the .wasm, for one plugin (default: <folder>/<name>.wasm)")
  .option("--all", "build every plugin folder under each <plugin>")
  .option("-c, --config <file>", "build the plugins this configuration loads (those with sources beside their .wasm)")
  .option("-j, --jobs <n>", "how many plugins to build at once (default: the number of cores)")
  .option("--time-limit <seconds>", `stop a plugin's build after this long (default: ${DEFAULT_BUILD_LIMITS.timeLimitMs / 1000}; Rust: ${RUST_BUILD_LIMITS.timeLimitMs / 1000}; Go: ${GO_BUILD_LIMITS.timeLimitMs / 1000})`)
  .option("--memory-limit <MB>", `stop a plugin's build when it uses more memory than this (default: ${DEFAULT_BUILD_LIMITS.memoryLimitMb})`)
  .action(async (inputs: string[], opts: BuildCommandOptions) => {
    const { buildCommand } = await withToolchain("nylon build", () => import("./build-command.js"));
    process.exitCode = await buildCommand(inputs, opts);
  });

program
  .command("prepare")
  .description("write <plugin.wasm>.prepared beside a component built by other tools (nylon build does it for its own builds)")
  .argument("<plugin...>", "plugin components (.wasm)")
  .action(async (files: string[]) => {
    const { prepareCommand } = await withToolchain("nylon prepare", () => import("./prepare-command.js"));
    process.exitCode = await prepareCommand(files);
  });

program
  .command("validate")
  .description("check a configuration as `run` would, without opening a port (plugins are loaded and initialised)")
  .argument("[config]", `the configuration file (default ${DEFAULT_CONFIG})`)
  .option("-c, --config <file>", "the configuration file (the same as the argument)")
  .action(async (file: string | undefined, opts: { config?: string }) => {
    const { validateCommand } = await import("./validate.js");
    const config = chooseConfig("validate", file, opts.config);
    process.exitCode = config === undefined ? 1 : await validateCommand(config);
  });

program
  .command("test")
  .description("run a YAML scenario against a built plugin in the sandbox harness (docs/testing-plugins.md)")
  .argument("<plugin>", "the plugin's .wasm")
  .argument("<scenario>", "the scenario file (.yaml)")
  .action(async (wasm: string, scenario: string) => {
    const { testCommand } = await import("./test-command.js");
    process.exitCode = await testCommand(wasm, scenario);
  });

program
  .command("new")
  .description("scaffold a new project item")
  .command("plugin")
  .description("create a plugin folder: source, a harness test, a scenario, a README with the build command")
  .argument("<name>", "the plugin's name (lower-case letters, digits and -)")
  .option("--dir <parent>", "where to create the folder", ".")
  .option("--lang <language>", "the plugin's language: typescript, rust or go", "typescript")
  .action(async (name: string, opts: { dir: string; lang: string }) => {
    const { newPluginCommand } = await import("./new-command.js");
    process.exitCode = newPluginCommand(name, opts);
  });

/** A command's module that needs the plugin toolchain; an install without it gets told what to install. */
async function withToolchain<T>(command: string, load: () => Promise<T>): Promise<T> {
  try {
    return await importToolchain(command, load);
  } catch (err) {
    if (!(err instanceof NylonError)) throw err;
    process.stderr.write(`nylon: ${err.message}\n`);
    process.exit(1);
  }
}

await program.parseAsync();
