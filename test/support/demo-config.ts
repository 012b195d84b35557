// nylon.yaml (the demo) rewritten for a run on free ports: the e2e tests and bench/soak exercise exactly
// the configuration users start with `npm run demo`.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import { repoRoot } from "./nylon-process.js";

interface DemoConfig {
  http: string[];
  log?: { access_log?: boolean };
  plugins: { name: string; file: string; isolation?: "inline" | "worker" }[];
  services: { static?: { root: string }; endpoints?: { port: number }[]; health_check?: { interval?: string } }[];
}

/**
 * The languages the demo's examples are written in; each Rust build is a crate in
 * plugins/<name>-rust, each Go build a folder of Go in plugins/<name>-go.
 */
export type DemoGuest = "TypeScript" | "Rust" | "Go";

/** Where a build of an example other than TypeScript lives, and the file that says it is there. */
const OTHER_BUILDS: { guest: Exclude<DemoGuest, "TypeScript">; suffix: string; source: string }[] = [
  { guest: "Rust", suffix: "-rust", source: "Cargo.toml" },
  { guest: "Go", suffix: "-go", source: "main.go" },
];

function guestBuild(example: string, guest: Exclude<DemoGuest, "TypeScript">): string {
  const { suffix } = OTHER_BUILDS.find((b) => b.guest === guest)!;
  return path.join(repoRoot, "plugins", `${example}${suffix}`, `${example}${suffix}.wasm`);
}

/** The languages an example of the demo (its plugin's name in nylon.yaml) is built in. */
export function demoGuests(example: string): DemoGuest[] {
  const others = OTHER_BUILDS.filter((b) => existsSync(path.join(repoRoot, "plugins", `${example}${b.suffix}`, b.source)));
  return ["TypeScript", ...others.map((b) => b.guest)];
}

/** Changes a test makes to the demo's config. */
export interface DemoChanges {
  /** Every plugin inline or in a worker thread instead of as nylon.yaml says. */
  isolation?: "inline" | "worker";
  /** "Rust" or "Go": the examples that have a build in that language are served by it (the others stay TypeScript). */
  guest?: DemoGuest;
  /** Every health check's interval, e.g. "300ms" (the demo's are seconds). */
  healthCheckInterval?: string;
  accessLog?: boolean;
}

/** The demo's stand-in upstream listener (nylon serving itself), as written in nylon.yaml. */
const DEMO_BACKEND_PORT = 8081;

/**
 * nylon.yaml (or `file`, a config with the demo's shape) with its listeners on `{{PORT}}` and
 * `backendPort` (the stand-in upstream) and its relative paths made absolute: the copy is written to a temporary folder, and relative paths are
 * relative to the file that declares them.
 */
export function demoConfigYaml(backendPort: number, changes: DemoChanges = {}, file = path.join(repoRoot, "nylon.yaml")): string {
  const { isolation, guest, healthCheckInterval, accessLog } = changes;
  const config = parse(readFileSync(file, "utf8")) as DemoConfig;
  config.http = ["127.0.0.1:{{PORT}}", `127.0.0.1:${backendPort}`];
  if (accessLog !== undefined) config.log = { ...config.log, access_log: accessLog };
  for (const service of config.services) {
    for (const endpoint of service.endpoints ?? []) if (endpoint.port === DEMO_BACKEND_PORT) endpoint.port = backendPort;
    if (service.health_check && healthCheckInterval) service.health_check.interval = healthCheckInterval;
  }
  for (const plugin of config.plugins) {
    plugin.file = path.resolve(path.dirname(file), plugin.file);
    if (guest && guest !== "TypeScript" && demoGuests(plugin.name).includes(guest)) plugin.file = guestBuild(plugin.name, guest);
    if (isolation) plugin.isolation = isolation;
  }
  for (const service of config.services) {
    if (service.static) service.static.root = path.resolve(path.dirname(file), service.static.root);
  }
  return stringify(config);
}
