import os from "node:os";
import path from "node:path";
import { buildPlugin, type BuildLimits, type BuildResult } from "../runtime/compile/build-plugin.js";
import { pluginBuildsOf } from "../runtime/compile/config-plugins.js";
import { listPluginFolders } from "../runtime/compile/plugin-source.js";
import { runPool } from "../runtime/compile/run-pool.js";
import { NylonError } from "../runtime/errors.js";

export interface BuildCommandOptions {
  output?: string;
  all?: boolean;
  config?: string;
  jobs?: string;
  timeLimit?: string;
  memoryLimit?: string;
}

interface BuildTarget {
  input: string;
  output?: string;
}

/**
 * `nylon build <plugin...> [-o out.wasm]`, `nylon build <dir...> --all`, `nylon build --config FILE`:
 * builds each plugin (up to --jobs at a time, the cores by default), prints a line per plugin as it
 * finishes and a summary. Returns the exit code.
 */
export async function buildCommand(inputs: string[], options: BuildCommandOptions): Promise<number> {
  const usage = (message: string) => {
    process.stderr.write(`nylon build: ${message}\n`);
    return 2;
  };
  if (options.output && (options.all || options.config || inputs.length !== 1)) return usage("--output takes one plugin (not --all, --config or several)");
  if (inputs.length === 0 && !options.config) return usage("name a plugin folder or file, or --config FILE");
  const limits = parseLimits(options);
  if (typeof limits === "string") return usage(limits);
  const jobs = options.jobs === undefined ? os.availableParallelism() : Number(options.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) return usage(`--jobs ${options.jobs} is not a positive whole number`);

  let targets: BuildTarget[];
  try {
    targets = await collectTargets(inputs, options);
  } catch (err) {
    process.stderr.write(`nylon build: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  if (targets.length === 0) {
    process.stderr.write(`nylon build: no plugin to build (${options.config ? `${options.config} loads none built from source` : `no plugin folders under ${inputs.join(", ")}`})\n`);
    return options.config ? 0 : 1;
  }

  const started = Date.now();
  const total = targets.length;
  const several = total > 1;
  let done = 0;
  const results: (BuildResult | undefined)[] = [];
  const buildOne = async (target: BuildTarget, index: number) => {
    const label = (name: string) => (several ? `[${++done}/${total}] ${name}` : name);
    try {
      const result = await buildPlugin(target.input, {
        ...(target.output ? { output: target.output } : {}),
        limits,
        progress: (step) => process.stderr.write(`  ${nameOf(target.input)}: ${step}\n`),
      });
      results[index] = result;
      const size = `${(result.bytes / 1024 / 1024).toFixed(1)} MB`;
      process.stderr.write(
        result.cached
          ? `${label(result.name)} up to date (${size}, from the build cache) -> ${shown(result.output)}\n`
          : `${label(result.name)} built (${size}, ${(result.millis / 1000).toFixed(1)} s) -> ${shown(result.output)}\n`,
      );
    } catch (err) {
      process.stderr.write(`${label(nameOf(target.input))} failed: ${describe(err)}\n`);
    }
  };
  await runPool(targets, buildOne, jobs);

  const built = results.filter((r) => r && !r.cached).length;
  const cached = results.filter((r) => r?.cached).length;
  const failed = total - built - cached;
  if (several) {
    process.stderr.write(
      `${total} plugins in ${((Date.now() - started) / 1000).toFixed(1)} s: ${built} built, ${cached} up to date` + (failed > 0 ? `, ${failed} failed\n` : "\n"),
    );
  }
  return failed === 0 ? 0 : 1;
}

async function collectTargets(inputs: string[], options: BuildCommandOptions): Promise<BuildTarget[]> {
  const targets: BuildTarget[] = [];
  if (options.config) {
    // Imported only here: `nylon build <folder>` does not need the config loader.
    const { loadConfig } = await import("../runtime/config/load.js");
    const { config } = await loadConfig(options.config);
    for (const [folder, output] of pluginBuildsOf(config.plugins)) targets.push({ input: folder, output });
  }
  for (const input of inputs) {
    if (options.all) targets.push(...listPluginFolders(input).map((folder) => ({ input: folder })));
    else targets.push({ input, ...(options.output ? { output: options.output } : {}) });
  }
  return targets;
}

/** The limits the user set (each language has its own defaults for the others). */
function parseLimits(options: BuildCommandOptions): Partial<BuildLimits> | string {
  const limits: Partial<BuildLimits> = {};
  if (options.timeLimit !== undefined) {
    const seconds = Number(options.timeLimit);
    if (!(seconds > 0) || !Number.isFinite(seconds)) return `--time-limit ${options.timeLimit} is not a number of seconds above 0`;
    limits.timeLimitMs = seconds * 1000;
  }
  if (options.memoryLimit !== undefined) {
    const mb = Number(options.memoryLimit);
    if (!(mb >= 64) || !Number.isFinite(mb)) return `--memory-limit ${options.memoryLimit} is not a number of megabytes of at least 64`;
    limits.memoryLimitMb = mb;
  }
  return limits;
}

/** The plugin's name as its folder or file gives it (`.` is the current folder's name). */
function nameOf(input: string): string {
  return path.basename(path.resolve(input)).replace(/\.[cm]?[tj]s$/, "");
}

function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") ? file : relative;
}

/** A build failure for a person: the error's own words, never a stack trace. */
function describe(err: unknown): string {
  if (err instanceof NylonError) return err.message;
  return `internal error: ${err instanceof Error ? err.message : String(err)}`;
}
