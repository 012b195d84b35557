// Runs one tier of the test suite through node's test runner (`node dist/test/run-tier.js <tier>`, from
// the repository's root):
//   fast  every test file (test/ and each example plugin's test/) but the slow tier: the proxy,
//         WebSockets, plugins, the sandbox, operations (`npm test`);
//   slow  the files whose every case runs a plugin toolchain (tsc and the QuickJS componentizer, cargo,
//         go) or a whole conformance suite or fuzzer: minutes of CPU on two cores for what the fast
//         tier's prebuilt fixtures already load (`npm run test:slow`; CI runs both).
// Arguments after the tier go to node's test runner (a reporter, a name pattern); `--list` prints the
// tier's files instead.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** dist/: the compiled tests are under dist/test, and each example plugin's own under dist/plugins/<name>/test. */
const distRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** Test files of the slow tier, relative to the repository, without their extension; a trailing * matches a prefix. */
const SLOW = [
  "test/cli/build", // nylon build of TypeScript plugins, case by case
  "test/cli/build-errors", // broken and runaway plugins through every build step
  "test/cli/build-go", // go build of scaffolds and modules
  "test/cli/build-rust", // cargo builds, a cold one included
  "test/cli/plugin-project", // npm pack, npm install and a scaffold's own build and tests
  "test/harness/new-command", // nylon new plugin, then its build and tests
  "test/ops/dev-watch*", // --watch rebuilds plugins on each edit
  "test/plugin/prepared", // builds plugins to check the prepared files made from them
  "test/sandbox/reload-replaces-hostile", // builds a failing then a good plugin
  "test/bench/bench-help", // starts every bench command
  "test/websocket/autobahn", // the Autobahn conformance suite (groups 1-7, 9, 10)
  "test/http-semantics/redbot", // the REDbot HTTP lint
  "test/config/config-mutations", // the mutated-configuration fuzzer
  "test/harness/scenario-mutations", // the mutated-scenario fuzzer
];

const TIERS = {
  fast: { concurrency: 3, timeoutMs: 600_000 },
  slow: { concurrency: 2, timeoutMs: 900_000 },
} as const;
type Tier = keyof typeof TIERS;

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : testFiles(full);
    return entry.name.endsWith(".test.js") ? [full] : [];
  });
}

/** Whether the compiled test file at `relative` (to dist/) is one that `pattern` of SLOW names. */
function matches(pattern: string, relative: string): boolean {
  const name = relative.replace(/\.test\.js$/, "");
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

function tierOf(relative: string): Tier {
  return SLOW.some((pattern) => matches(pattern, relative)) ? "slow" : "fast";
}

const [tier, ...runnerArgs] = process.argv.slice(2);
if (!tier || !(tier in TIERS)) {
  console.error(`usage: node dist/test/run-tier.js <${Object.keys(TIERS).join("|")}> [--list | node --test options]`);
  process.exit(2);
}
const { concurrency, timeoutMs } = TIERS[tier as Tier];
const all = testFiles(distRoot).map((file) => path.relative(distRoot, file).split(path.sep).join("/"));
// A renamed or removed file must not leave its slow-tier entry behind, quietly moving nothing.
const stale = SLOW.filter((pattern) => !all.some((relative) => matches(pattern, relative)));
if (stale.length > 0) {
  console.error(`test/run-tier.ts lists slow-tier files that do not exist: ${stale.join(", ")}`);
  process.exit(2);
}
const files = all.filter((relative) => tierOf(relative) === tier).sort().map((relative) => path.join("dist", relative));
if (runnerArgs[0] === "--list") {
  console.log(files.join("\n"));
  process.exit(0);
}
const run = spawnSync(
  process.execPath,
  ["--test", `--test-concurrency=${concurrency}`, `--test-timeout=${timeoutMs}`, ...runnerArgs, ...files],
  { stdio: "inherit" },
);
process.exit(run.status ?? 1);
