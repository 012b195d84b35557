// How fast nylon answers after it is started, and how much memory it holds at rest, beside bare Node
// in the same run (see --help).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, platform, release, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { benchOptions } from "./support/bench-options.js";
import { recordSection } from "./support/benchmarks-doc.js";
import { measureExit, measureImport, measureStart, type ImportRun, type StartRun } from "./support/first-answer.js";
import { freePort } from "./support/free-port.js";
import { machineLoad } from "./support/machine-load.js";
import { compiledScriptPath, nylonCliPath, repoRoot } from "./support/repo-paths.js";
import { CONFIG_NAMES, writeStartupConfig, type ConfigName, type StartupConfig } from "./support/startup-configs.js";

const options = benchOptions(
  "startup",
  `Starts nylon on each configuration several times and prints the time from spawn to the first correct
answer (polling every 3 ms), the CPU time the process had used by then, its resident memory 2 s
later, and then how long 100 requests one after another take against the next 100, beside bare Node
in the same run: \`node -e 0\` (spawn to exit) and a one-line node:http server (first answer, memory
at rest). nylon runs with NYLON_LOG=debug: its "startup split" and "memory at rest" lines give where
the time and the memory go. Build first: npm run build && npm run build:plugins.

Configurations: none (one static route), one-plugin (the route behind the security-headers plugin),
seven-plugins (the same with the demo's seven plugins loaded), demo (the repository's nylon.yaml).`,
  {
    runs: { default: "3", description: "starts per configuration and target; runs are interleaved" },
    configs: { default: CONFIG_NAMES.join(","), description: "comma-separated configurations" },
    nodes: { default: process.execPath, description: "comma-separated node binaries to run everything with" },
    baseline: { description: "another nylon's CLI (dist/cli/nylon.js of an older checkout), measured alongside" },
    variants: { flag: true, description: "also the unbundled CLI (dist/cli/nylon.js) and, on Node >= 22, nylon without Node's module compile cache" },
    record: { flag: true, description: "add the figures to docs/benchmarks.md (newest first)" },
  },
);
const runs = Number(options.runs);
const configNames = options.configs.split(",") as ConfigName[];
for (const name of configNames) if (!CONFIG_NAMES.includes(name)) throw new Error(`unknown configuration ${name} (known: ${CONFIG_NAMES.join(", ")})`);
const nodes = options.nodes.split(",").map((p) => resolve(p));
const baseline = options.baseline ? resolve(options.baseline) : undefined;
for (const file of [nylonCliPath, ...(baseline ? [baseline] : [])]) if (!existsSync(file)) throw new Error(`${file} is missing (npm run build?)`);

const BARE_SERVER = `require("node:http").createServer((q, s) => s.end("<html>ok</html>")).listen(Number(process.argv[1]), "127.0.0.1")`;

/** One way of starting nylon: its CLI and the environment it gets. */
interface Target {
  label: string;
  cli: string;
  env: NodeJS.ProcessEnv;
}

/** Everything measured with one node binary. */
interface Series {
  version: string;
  exit: number[];
  bare: StartRun[];
  /** `import` of the package's main entry, by target label (nylon, baseline). */
  imports: Map<string, ImportRun[]>;
  /** By target label, then configuration. */
  targets: Map<string, Map<ConfigName, StartRun[]>>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const mb = (bytes: number) => bytes / 2 ** 20;
const range = (xs: number[]) => `${median(xs).toFixed(0)} ms [${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}]`;
const rssOf = (runs: StartRun[]) => `${mb(median(runs.map((r) => r.idleRss))).toFixed(1)} MB`;

function targetsFor(version: string): Target[] {
  const debug = { ...process.env, NYLON_LOG: "debug" };
  const targets: Target[] = [{ label: "nylon", cli: nylonCliPath, env: debug }];
  if (options.variants) {
    targets.push({ label: "unbundled", cli: compiledScriptPath("cli/nylon"), env: debug });
    if (Number(version.slice(1).split(".")[0]) >= 22) targets.push({ label: "no compile cache", cli: nylonCliPath, env: { ...debug, NODE_DISABLE_COMPILE_CACHE: "1" } });
  }
  if (baseline) targets.push({ label: "baseline", cli: baseline, env: debug });
  return targets;
}

/** The package's main entry (package.json exports ".") of this nylon and of the baseline's checkout. */
function mainEntries(): [string, string][] {
  const entryOf = (root: string) => {
    const { exports } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, string | { default: string }> };
    const main = exports["."]!;
    return resolve(root, typeof main === "string" ? main : main.default);
  };
  const entries: [string, string][] = [["nylon", entryOf(repoRoot)]];
  // The baseline CLI is dist/cli/nylon.js (or dist/bundle/nylon.js) two folders below its checkout.
  if (baseline) entries.push(["baseline", entryOf(dirname(dirname(dirname(baseline))))]);
  return entries;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "nylon-startup-"));
  const loadBefore = machineLoad();
  const series = new Map<string, Series>();
  for (const node of nodes) series.set(node, { version: execFileSync(node, ["--version"], { encoding: "utf8" }).trim(), exit: [], bare: [], imports: new Map(), targets: new Map() });
  try {
    const configs: StartupConfig[] = [];
    for (const name of configNames) configs.push(await writeStartupConfig(name, dir));
    for (let run = 1; run <= runs; run++) {
      for (const node of nodes) {
        const s = series.get(node)!;
        s.exit.push(await measureExit(node, ["-e", "0"]));
        const port = await freePort();
        s.bare.push(await measureStart(node, ["-e", BARE_SERVER, String(port)], { port, path: "/", check: (status) => (status === 200 ? null : `status ${status}`) }));
        for (const [label, entry] of mainEntries()) s.imports.set(label, [...(s.imports.get(label) ?? []), await measureImport(node, entry)]);
        for (const config of configs) {
          for (const target of targetsFor(s.version)) {
            const byConfig = s.targets.get(target.label) ?? new Map<ConfigName, StartRun[]>();
            s.targets.set(target.label, byConfig);
            // Free ports are taken afresh for every start: on a shared machine a port found free at the
            // start of the run may be another process's by the time it is used.
            const fresh = await writeStartupConfig(config.name as ConfigName, dir);
            const result = await measureStart(node, [target.cli, "run", "--config", fresh.file], fresh.probe, target.env);
            byConfig.set(config.name as ConfigName, [...(byConfig.get(config.name as ConfigName) ?? []), result]);
          }
        }
      }
      process.stderr.write(`run ${run}/${runs} done\n`);
    }
    const load = `${loadBefore} at the start, ${machineLoad()} at the end`;
    process.stdout.write(`bench/startup: ${runs} starts each, interleaved; ${load}\n\n${[...series.values()].map((s) => describe(s, configs)).join("\n")}`);
    if (options.record) record([...series.values()], configs, load);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function describe(s: Series, configs: StartupConfig[]): string {
  const bareMs = median(s.bare.map((r) => r.firstAnswerMs));
  const bareCpu = median(s.bare.map((r) => r.cpuMs));
  const bareRss = median(s.bare.map((r) => r.idleRss));
  const lines = [
    `${s.version}`,
    `  bare node -e 0, spawn to exit:       ${range(s.exit)}`,
    `  bare node:http server, first answer: ${range(s.bare.map((r) => r.firstAnswerMs))}, CPU ${range(s.bare.map((r) => r.cpuMs))}, at rest ${rssOf(s.bare)}`,
    ...[...s.imports].map(([label, runs]) => `  import of the main entry, ${label.padEnd(8)} ${importText(runs)}`),
  ];
  for (const config of configs) {
    lines.push(`  ${config.name}: ${config.description}`);
    for (const [label, byConfig] of s.targets) {
      const results = byConfig.get(config.name as ConfigName)!;
      const ms = results.map((r) => r.firstAnswerMs);
      const cpu = results.map((r) => r.cpuMs);
      const rss = median(results.map((r) => r.idleRss));
      lines.push(
        `    ${label.padEnd(17)} first answer ${range(ms)} (${(median(ms) / bareMs).toFixed(1)}× bare), CPU ${range(cpu)} (${(median(cpu) / bareCpu).toFixed(1)}× bare),` +
          ` at rest ${mb(rss).toFixed(1)} MB (${(rss / bareRss).toFixed(1)}× bare), first/next 100 requests ${warmRatio(results)}`,
      );
    }
    const last = s.targets.get("nylon")?.get(config.name as ConfigName)?.at(-1);
    if (last?.startup) lines.push(`      time split (last run, ms): ${timeSplit(last)}`);
    if (last?.memory) lines.push(`      memory at rest (last run, MB): ${memorySplitText(last)}`);
  }
  for (const [label, byConfig] of s.targets) {
    const costs = pluginCosts(byConfig);
    if (costs) lines.push(`  memory per TypeScript plugin, ${label}: the first +${costs.first.toFixed(1)} MB, each further one +${costs.further.toFixed(1)} MB`);
  }
  return `${lines.join("\n")}\n`;
}

function importText(runs: ImportRun[]): string {
  return `${range(runs.map((r) => r.importMs))}, CPU from the process's start ${range(runs.map((r) => r.cpuMs))}, RSS ${mb(median(runs.map((r) => r.rss))).toFixed(1)} MB`;
}

/** The first 100 requests' time over the next 100's (median of the runs), with the medians. */
function warmRatio(results: StartRun[]): string {
  const first = median(results.map((r) => r.first100Ms));
  const next = median(results.map((r) => r.next100Ms));
  return `${(first / next).toFixed(2)}× (${first.toFixed(0)} / ${next.toFixed(0)} ms)`;
}

function timeSplit(r: StartRun): string {
  const { steps, plugins, total } = r.startup!;
  const parts = Object.entries(steps).map(([k, v]) => `${k} ${v.toFixed(0)}`);
  const each = Object.entries(plugins).map(
    ([name, p]) => `${name} (${p.source}: prepared ${p.prepared.toFixed(0)}, compile ${p.compile.toFixed(0)}, glue ${p.glue.toFixed(0)}, init ${p.init.toFixed(0)})`,
  );
  return `${parts.join(", ")}; serving at ${total.toFixed(0)}${each.length ? `\n        plugins, loaded concurrently: ${each.join("; ")}` : ""}`;
}

function memorySplitText(r: StartRun): string {
  const m = r.memory!;
  const linear = Object.values(m.linear_memory).reduce<number>((a, b) => a + (b ?? 0), 0);
  const count = Object.keys(m.linear_memory).length;
  return (
    `rss ${mb(m.rss).toFixed(1)} = V8 heap ${mb(m.v8_heap).toFixed(1)} + wasm code ${m.wasm_code === null ? "?" : mb(m.wasm_code).toFixed(1)}` +
    ` + wasm modules ${mb(m.wasm_modules).toFixed(1)} + linear memory ${mb(linear).toFixed(1)}${count ? ` (${count} plugins)` : ""} + rest ${mb(m.rest).toFixed(1)}`
  );
}

/** The first plugin's memory (one-plugin − none) and each further one's ((seven − one) / 6), in MB. */
function pluginCosts(byConfig: Map<ConfigName, StartRun[]>): { first: number; further: number } | null {
  const rss = (name: ConfigName) => {
    const results = byConfig.get(name);
    return results && mb(median(results.map((r) => r.idleRss)));
  };
  const [none, one, seven] = [rss("none"), rss("one-plugin"), rss("seven-plugins")];
  if (none === undefined || one === undefined || seven === undefined) return null;
  return { first: one - none, further: (seven - one) / 6 };
}

const HEADING = "## Startup and memory at rest";
const TABLE_HEAD = [
  "| Date (UTC) | Node | Configuration | nylon: first answer | nylon: CPU by then | nylon: at rest | nylon: first 100 requests / next 100 | baseline: first answer / at rest | bare Node server: first answer / at rest | `node -e 0` |",
  "|---|---|---|---|---|---|---|---|---|---|",
];

function record(all: Series[], configs: StartupConfig[], load: string): void {
  const file = join(repoRoot, "docs", "benchmarks.md");
  const doc = existsSync(file) ? readFileSync(file, "utf8") : "";
  const start = doc.indexOf(HEADING);
  const end = start < 0 ? -1 : doc.indexOf("\n## ", start + HEADING.length);
  const oldRows = (start < 0 ? "" : doc.slice(start, end < 0 ? undefined : end)).split("\n").filter((l) => /^\| \d{4}-/.test(l));
  const date = new Date().toISOString().slice(0, 16).replace("T", " ");
  const rows: string[] = [];
  const splits: string[] = [];
  for (const s of all) {
    const bare = `${median(s.bare.map((r) => r.firstAnswerMs)).toFixed(0)} ms / ${rssOf(s.bare)}`;
    for (const config of configs) {
      const name = config.name as ConfigName;
      const ours = s.targets.get("nylon")!.get(name)!;
      const theirs = s.targets.get("baseline")?.get(name);
      rows.push(
        `| ${date} | ${s.version} | ${name} | ${range(ours.map((r) => r.firstAnswerMs))} | ${range(ours.map((r) => r.cpuMs))} | ${rssOf(ours)} | ${warmRatio(ours)} | ` +
          `${theirs ? `${median(theirs.map((r) => r.firstAnswerMs)).toFixed(0)} ms / ${rssOf(theirs)}` : "–"} | ${bare} | ${median(s.exit).toFixed(0)} ms |`,
      );
      const last = ours.at(-1)!;
      if (last.startup && last.memory) splits.push(`* ${s.version}, ${name}: time (ms) ${timeSplit(last).replace(/\n\s+/g, " ")}; memory (MB) ${memorySplitText(last)}`);
    }
  }
  const text = [
    HEADING,
    "",
    "From spawn to the first correct answer (polling every 3 ms), the CPU time the process had used by then (less swayed",
    "by a busy machine than the wall clock), the resident memory (VmRSS) 2 s later, and then the time of the first 100",
    "requests (one after another, keep-alive) against the next 100, with every plugin built and prepared. Each figure is the median of the runs, with [min–max]; the bare Node figures come from the same run, and",
    "`baseline` is the nylon named in the run's note. The machine is a shared 2-vCPU VM (below: its load during the run);",
    "other work on it slows every process of a run alike, so read the ratios to bare Node more than the milliseconds.",
    "Configurations: `none` one static route; `one-plugin` the route",
    "behind the security-headers plugin; `seven-plugins` the same with the demo's seven plugins loaded; `demo` the",
    "repository's nylon.yaml (its API request goes through a plugin and the upstream).",
    "",
    "```sh",
    "npm run build && npm run build:plugins",
    "node dist/bench/startup.js --runs 4 --nodes /path/to/node24,$(which node) --baseline <older checkout>/dist/cli/nylon.js --record",
    "```",
    "",
    "Targets, and the figures they were set against (2026-12-03, the same machine quiet, plugins built and their glue",
    "cached, before the runtime was bundled and plugins prepared at build time):",
    "",
    "| | first correct answer | idle RSS |",
    "|---|---|---|",
    "| bare `node -e 0` | 80–90 ms | 40 MB |",
    "| `none` | target ≤ 250 ms (was 540–655 ms) | target ≤ 60 MB (was 80–85 MB) |",
    "| `one-plugin` | no target (was 830–1,000 ms) | was 109–113 MB; target: the first TypeScript plugin ≤ 12 MB (was about 28 MB), each further one ≤ 4 MB (was about 6 MB) |",
    "| `demo` | target ≤ 400 ms (was 1,050–1,110 ms) | target ≤ 100 MB (was 149 MB) |",
    "| `import` of the main entry | target ≤ 150 ms (was 1.1 s) | target ≤ 70 MB (was 150 MB) |",
    "",
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${release()}.`,
    "",
    ...TABLE_HEAD,
    ...rows,
    ...oldRows,
    "",
    "`import` of the package's main entry (`import \"nylon-proxy\"`), in a fresh process, same runs:",
    "",
    ...all.flatMap((s) => [...s.imports].map(([label, runs]) => `* ${date}, ${s.version}, ${label}: ${importText(runs)}`)),
    "",
    `Latest run (${date}; ${load}${baseline ? `; baseline ${baseline}` : ""}): where the time and the memory go, from`,
    "nylon's own debug lines (`NYLON_LOG=debug nylon run` logs the same):",
    "",
    ...splits,
  ].join("\n");
  recordSection(HEADING, text);
}

await main();
