// Property test: a few hundred careless or hostile edits of example configurations (support/yaml-mutations.ts,
// plus every wrong kind of plugin file). For each one, `validate` and a start of `run` agree (both accept, or
// both refuse with the same problems); every refusal names a file and a line or key; no message carries a
// stack trace, an internal error name or schema-library JSON; reading and checking the files takes under 5 s of CPU time.
//
// `validate` and `run` are called in process (validateConfig below is what `nylon validate` runs; Proxy.start
// is what `nylon run` runs, stopped as soon as it listens): starting hundreds of processes would take minutes.
// A sample of mutants is then run through the real commands, as processes, and compared the same way.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { pino } from "pino";
import { checkConfig } from "../../runtime/check-config.js";
import { standaloneServices } from "../../runtime/plugin/plugin-services.js";
import { ConfigError } from "../../runtime/config/config-error.js";
import { loadConfig } from "../../runtime/config/load.js";
import { Proxy } from "../../runtime/proxy.js";
import { WebSocketHub } from "../../runtime/websocket/websocket-hub.js";
import { nylonBin, repoRoot, runNylon } from "../support/nylon-process.js";
import { WRONG_PLUGIN_FILE_NAMES, wrongPluginFiles } from "../support/wrong-plugin-files.js";
import { mutate, mutateEveryKey, seededRandom, type ValueCandidates } from "../support/yaml-mutations.js";

/** Replayable: a failure names its seed, mutant number and what was changed. */
const SEED = 25;
const TIME_LIMIT_MS = 5000;

/** Stack frames, internal error names and zod's JSON must never reach a user. */
const INTERNAL = /\b(TypeError|ReferenceError|RangeError|CompileError|LinkError|ZodError)\b|\n\s+at .+:\d+:\d+\)?|"code":\s*"|"expected":|"path":\s*\[/;

let base = "";

interface Seed {
  name: string;
  /** Files of the seed (relative to its folder); {{BASE}} is the shared fixture folder, {{ROOT}} the repository. */
  files: Record<string, string>;
  /** Which file the mutations edit. */
  mutated: string;
  mutants: number;
}

const demo = (): string =>
  fs
    .readFileSync(path.join(repoRoot, "nylon.yaml"), "utf8")
    .replaceAll("./plugins/", "{{ROOT}}/plugins/")
    .replaceAll("./web", "{{ROOT}}/web")
    .replaceAll("8080", "{{PORT1}}")
    .replaceAll("8081", "{{PORT2}}");

const proxyOnly = `http: ["127.0.0.1:{{PORT1}}"]
metrics: ["127.0.0.1:{{PORT3}}"]
log: { level: warn, access_log: false }
shutdown: { grace_period_seconds: 2 }
trusted_proxies: [10.0.0.0/8]
header_selector: x-route
request_body_limit_bytes: 1048576
request_header_timeout_ms: 30000
request_body_timeout_ms: 15000
expose_upstream_address: true
workers: 1
services:
  - name: api
    service_type: http
    algorithm: weighted
    endpoints:
      - { ip: 127.0.0.1, port: {{PORT2}}, weight: 2 }
      - { ip: localhost, port: {{PORT2}} }
    health_check:
      path: /health
      interval: 5s
      timeout: 1s
      healthy_threshold: 2
      unhealthy_threshold: 3
      host: api.internal
      headers: { x-probe: "1" }
      expected_statuses: [204, "200-299"]
    timeout_ms: 15000
    connect_timeout_ms: 2000
middleware_groups:
  tag:
    - plugin: RequestHeaderModifier
      payload: { set: [{ name: x-request-id, value: "\${uuid(v7)}" }], remove: [x-powered-by] }
routes:
  - name: api
    route: { type: host, value: "api.localhost|127.0.0.1" }
    middleware: [{ group: tag }]
    paths:
      - path: /api/{*rest}
        methods: [GET, POST]
        service: { name: api, rewrite: / }
      - path: ["/", "/{*path}"]
        service: { name: api }
  - name: beta
    route: { type: header, value: beta }
    paths:
      - { path: "/{*path}", service: { name: api } }
`;

const staticSite = `http: ["127.0.0.1:{{PORT1}}"]
services:
  - name: site
    service_type: static
    static: { root: {{BASE}}/www, index: index.html, spa: true, dotfiles: deny }
routes:
  - name: site
    route: { type: host, value: "*" }
    middleware:
      - plugin: ResponseHeaderModifier
        payload: { set: [{ name: cache-control, value: no-store }] }
    paths:
      - { path: "/{*path}", methods: [GET, HEAD], service: { name: site } }
`;

const tlsSite = `http: ["127.0.0.1:{{PORT1}}"]
https: ["127.0.0.1:{{PORT2}}"]
tls:
  - type: custom
    cert: {{BASE}}/certs/site.crt
    key: {{BASE}}/certs/site.key
    chain: [{{BASE}}/certs/intermediate.crt]
    domains: [localhost, "*.example.test"]
services:
  - { name: site, service_type: static, static: { root: {{BASE}}/www } }
routes:
  - name: main
    route: { type: host, value: "*" }
    tls: { enabled: true, redirect: "\${host}" }
    paths:
      - { path: "/{*path}", service: { name: site } }
`;

const redis = `http: ["127.0.0.1:{{PORT1}}"]
websocket:
  adapter_type: redis
  redis:
    host: 127.0.0.1
    port: {{PORT3}}
    username: nylon
    password: secret
    db: 1
    key_prefix: "nylon:test"
    connect_timeout_ms: 500
    tls: { ca: {{BASE}}/certs/site.crt, servername: localhost }
  max_message_bytes: 65536
  max_fragments: 64
  max_buffered_chunks: 1024
  ping_interval_ms: 20000
  pong_timeout_ms: 5000
  idle_timeout_ms: 60000
  send_buffer_bytes: 262144
  per_message_deflate: true
  slow_consumer: drop
  reload_drain_ms: 60000
store: { backend: redis, key_prefix: "nylon:kv-test", timeout_ms: 500 }
plugins:
  - name: echo
    type: wasm
    file: {{ROOT}}/plugins/echo/echo.wasm
    limits: { memory_mb: 32, deadline_ms: 50, max_send_bytes: 65536, pending_timeout_ms: 5000, max_pending_ops: 100, outbound_timeout_ms: 2000, max_outbound_response_bytes: 65536 }
    room_namespace: lobby
    allowed_outbound_hosts: ["http://127.0.0.1:{{PORT2}}", "https://*.example.com"]
    store: { namespace: shared, max_keys: 100, max_key_bytes: 128, max_value_bytes: 4096 }
  - name: echo-rust
    type: wasm
    file: {{ROOT}}/plugins/echo-rust/echo-rust.wasm
    isolation: worker
    room_namespace: lobby
services:
  - { name: echo, service_type: plugin, plugin: { name: echo, entry: echo } }
  - { name: echo-rust, service_type: plugin, plugin: { name: echo-rust, entry: echo } }
routes:
  - name: ws
    route: { type: host, value: "*" }
    paths:
      - { path: /ws, service: { name: echo, websocket: { max_message_bytes: 1024, max_fragments: 8 } } }
      - { path: /ws-rust, service: { name: echo-rust } }
`;

const redisUrl = `http: ["127.0.0.1:{{PORT1}}"]
websocket:
  adapter_type: cluster
  redis: { url: "redis://nylon:secret@127.0.0.1:{{PORT3}}/2", tls: true }
services:
  - { name: site, service_type: static, static: { root: {{BASE}}/www } }
routes:
  - { name: site, route: { type: host, value: "*" }, paths: [{ path: "/{*path}", service: { name: site } }] }
`;

const pluginsMain = `http: ["127.0.0.1:{{PORT1}}"]
config_dir: conf.d
plugins:
  - name: headers
    type: wasm
    file: {{ROOT}}/plugins/security-headers/security-headers.wasm
  - name: auth
    type: wasm
    file: {{ROOT}}/plugins/auth-ws/auth-ws.wasm
    config: { tokens: ["secret"] }
`;

const pluginsDir = `services:
  - { name: chat, service_type: plugin, plugin: { name: auth, entry: auth-ws } }
  - { name: site, service_type: static, static: { root: {{BASE}}/www } }
middleware_groups:
  secure:
    - { plugin: headers, entry: security, payload: { hsts_max_age: 0 } }
routes:
  - name: main
    route: { type: host, value: "*" }
    middleware: [{ group: secure }]
    paths:
      - { path: /auth-ws, service: { name: chat } }
      - { path: "/{*path}", service: { name: site } }
`;

const SEEDS: Seed[] = [
  // The demo loads seven plugins per start, so it gets fewer mutants; wrong plugin files are tried on the others.
  { name: "demo", files: { "nylon.yaml": demo() }, mutated: "nylon.yaml", mutants: 8 },
  { name: "proxy", files: { "nylon.yaml": proxyOnly }, mutated: "nylon.yaml", mutants: 80 },
  { name: "static", files: { "nylon.yaml": staticSite }, mutated: "nylon.yaml", mutants: 50 },
  { name: "tls", files: { "nylon.yaml": tlsSite }, mutated: "nylon.yaml", mutants: 45 },
  { name: "redis", files: { "nylon.yaml": redis }, mutated: "nylon.yaml", mutants: 30 },
  { name: "redis-url", files: { "nylon.yaml": redisUrl }, mutated: "nylon.yaml", mutants: 10 },
  { name: "plugins", files: { "nylon.yaml": pluginsMain, "conf.d/20-routes.yaml": pluginsDir }, mutated: "nylon.yaml", mutants: 25 },
  { name: "config_dir", files: { "nylon.yaml": pluginsMain, "conf.d/20-routes.yaml": pluginsDir }, mutated: "conf.d/20-routes.yaml", mutants: 30 },
];

/** Every wrong kind of plugin file (fixtures made in `before`). */
const WRONG_PLUGIN_FILES = [
  ...WRONG_PLUGIN_FILE_NAMES.map((name) => `{{BASE}}/bad/${name}`),
  "{{BASE}}/src/plugin.ts",
  "{{BASE}}/src",
  "{{BASE}}/src/src.wasm",
  "/dev/zero",
  "/dev/null",
];

const CANDIDATES: ValueCandidates = {
  byKey: [
    [/^(address|http|https|metrics)$/, ['"256.1.1.1:{{PORT1}}"', '"127.0.0.1:0"', '"127.0.0.1:70000"', '"localhost"', '"0.0.0.0:{{PORT1}}"', '":{{PORT1}}"', '"127.0.0.1:{{PORT2}}"', '"127.0.0.1"']],
    [/_ms$|_bytes$|_mb$|^max_|port|weight|seconds|threshold|^db$/, ["-1", "0", "2147483648", "4294967297", "1e12", "99999999999999999999", "0.5", '"10"', "65536"]],
    [/interval|^timeout$/, ["0s", "999999999h", "5", "1d", "-1s", "1.5s", "100ms"]],
    [/^path$/, ['"/{*"', '"/a/{b}/{b}"', "nopath", '"/x/{}"', '"/{*a}/b"', "/ok", "/"]],
    [/^value$/, ['"*"', '"a.com|*"', '""', "beta", "api.localhost"]],
    [/^file$/, WRONG_PLUGIN_FILES],
    [/^isolation$/, ["worker", "inline", "thread", '""']],
    [/^workers$/, ["0", "-1", "1.5", '"many"', '"auto"', '""']],
    [/^room_namespace$/, ['""', "lobby", "other", "42"]],
    [/^namespace$/, ['""', "shared", "other", "42"]],
    [/^backend$/, ['""', "memory", "redis", "bogus"]],
    [/^allowed_outbound_hosts$/, ['["ftp://x.example"]', '["http://a.example/path"]', '"http://a.example"', '["http://*"]', "[]"]],
    [/^expected_statuses$/, ['"200-199"', '"2xx"', "600", '"100-599"', '""']],
    [/^host$/, ['""', '"a b"', "api.internal", '"bad\\r\\nhost"']],
    [/^header_selector$/, ['"x route"', '""', "X-Route", "x-nylon-proxy"]],
    [/^x-/, ['"line\\nbreak"', '""', "42", '"a\\u0000b"']],
    [/^(per_message_deflate|spa|enabled|access_log|expose_upstream_address)$/, ["yes", '"true"', "1", "false"]],
    [/^root$/, ["{{BASE}}/missing-dir", "{{BASE}}/www/index.html", "{{BASE}}/www", "/dev/null"]],
    [/^url$/, ['"redis://"', '"http://127.0.0.1:6379"', '"redis://h:99999"', "127.0.0.1:6379", '"rediss://127.0.0.1:{{PORT3}}"']],
    [/^(cert|key|ca|chain)$/, ["{{BASE}}/certs/missing.crt", "{{BASE}}/bad/empty.wasm", "{{BASE}}/bad/text.wasm", "{{BASE}}/certs/other.key", "{{BASE}}/certs/site.crt", "{{BASE}}/certs/site.key"]],
    [/^(name|entry|group|plugin|service_type|type|algorithm|level|adapter_type|slow_consumer|dotfiles)$/, ['""', "nope", "RequestHeaderModifier", "bogus"]],
  ],
  any: ["[]", "{}", "42", '"text"', "true", "null", "-1", "*undefined", "{ <<: 5 }", "&a [*a]", '"\\u0000"'],
};

interface Mutant {
  id: string;
  directory: string;
  file: string;
}

/** Ports free a moment ago, all different (held open together while they are chosen). */
async function distinctFreePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => net.createServer());
  const ports = await Promise.all(servers.map((server) => new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)))));
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

async function writeMutant(seed: Seed, id: string, mutatedText: string): Promise<Mutant> {
  const directory = path.join(base, "mutants", id);
  const [PORT1, PORT2, PORT3] = await distinctFreePorts(3);
  const ports = { PORT1, PORT2, PORT3 };
  const fill = (text: string) =>
    text.replaceAll("{{BASE}}", base).replaceAll("{{ROOT}}", repoRoot).replace(/\{\{(PORT\d)\}\}/g, (_, name: keyof typeof ports) => String(ports[name]));
  for (const [name, text] of Object.entries(seed.files)) {
    fs.mkdirSync(path.dirname(path.join(directory, name)), { recursive: true });
    fs.writeFileSync(path.join(directory, name), fill(name === seed.mutated ? mutatedText : text));
  }
  return { id, directory, file: path.join(directory, "nylon.yaml") };
}

function allMutants(): { seed: Seed; id: string; text: string; description: string }[] {
  const random = seededRandom(SEED);
  const out: { seed: Seed; id: string; text: string; description: string }[] = [];
  for (const seed of SEEDS) {
    const original = seed.files[seed.mutated]!;
    out.push({ seed, id: `${seed.name}-original`, text: original, description: "unchanged" });
    for (let n = 0; n < seed.mutants; n++) {
      const { text, description } = mutate(original, random, CANDIDATES);
      out.push({ seed, id: `${seed.name}-${n}`, text, description });
    }
    // The demo aside (seven plugins per start), every key with candidate values gets a wrong one at least once.
    if (seed.name !== "demo") {
      mutateEveryKey(original, random, CANDIDATES).forEach(({ text, description }, n) => out.push({ seed, id: `${seed.name}-key-${n}`, text, description }));
    }
    if (/file: \{\{ROOT\}\}/.test(original) && seed.mutated === "nylon.yaml" && seed.name !== "demo") {
      WRONG_PLUGIN_FILES.forEach((wrong, index) => {
        const text = original.replace(/file: \{\{ROOT\}\}\/\S+/, `file: ${wrong}`);
        out.push({ seed, id: `${seed.name}-file-${index}`, text, description: `plugin file -> ${wrong}` });
      });
    }
  }
  return out;
}

type Outcome = { accepted: true } | { accepted: false; issues: string[]; message: string };

function outcomeOf(error: unknown): Outcome {
  if (!(error instanceof ConfigError)) throw new Error(`not a located refusal: ${String((error as Error)?.stack ?? error)}`);
  return { accepted: false, issues: error.issues.map((issue) => `${issue.file}:${issue.line}:${issue.column} ${issue.path}: ${issue.message}`), message: error.message };
}

/** Timed, with the 5 s limit checked by the caller. */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/**
 * What `nylon validate` does, in process. `filesMs` is the CPU time spent reading and checking the configuration
 * files: what a pathological input (a quadratic check, an alias bomb) would blow up, and, unlike wall-clock time,
 * not stretched when other processes hold the CPU.
 */
async function validateInProcess(file: string): Promise<Outcome & { filesMs: number }> {
  const hub = new WebSocketHub();
  const started = process.cpuUsage();
  const cpuMs = () => {
    const used = process.cpuUsage(started);
    return (used.user + used.system) / 1000;
  };
  let filesMs = 0;
  try {
    const loaded = await loadConfig(file);
    filesMs = cpuMs();
    const { plugins } = await checkConfig(loaded, hub, pino({ level: "silent" }), standaloneServices());
    for (const plugin of plugins.values()) plugin.stop();
    return { accepted: true, filesMs };
  } catch (error) {
    return { ...outcomeOf(error), filesMs: filesMs || cpuMs() };
  } finally {
    hub.stop();
  }
}

/** What `nylon run` does up to listening, in process, then stops. */
async function runInProcess(file: string): Promise<Outcome> {
  try {
    const proxy = await Proxy.start(file);
    await proxy.stop(0);
    return { accepted: true };
  } catch (error) {
    return outcomeOf(error);
  }
}

function assertLocated(outcome: Outcome, label: string): void {
  if (outcome.accepted) return;
  assert.ok(outcome.issues.length > 0, `${label}: a refusal with no problem listed`);
  for (const line of outcome.issues) assert.match(line, /^\/\S+:(?:[1-9]\d*:\d+ \S|0:0 \S+: )/, `${label}: a problem without file and line or key: ${line}`);
  assert.doesNotMatch(outcome.message, INTERNAL, `${label}: internal details in:\n${outcome.message}`);
}

before(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-mutations-"));
  process.env.NYLON_LOG = "silent"; // Proxy.start's logger: hundreds of starts would flood the test output
  const write = (name: string, content: string | Uint8Array) => {
    fs.mkdirSync(path.dirname(path.join(base, name)), { recursive: true });
    fs.writeFileSync(path.join(base, name), content);
  };
  write("www/index.html", "<h1>hi</h1>\n");
  for (const [name, content] of Object.entries(await wrongPluginFiles())) write(`bad/${name}`, content);
  write("src/plugin.ts", "export {};\n");
  fs.mkdirSync(path.join(base, "certs"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
    "-keyout", path.join(base, "certs/site.key"), "-out", path.join(base, "certs/site.crt"), "-subj", "/CN=localhost"], { stdio: "ignore" });
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
    "-keyout", path.join(base, "certs/intermediate.key"), "-out", path.join(base, "certs/intermediate.crt"), "-subj", "/CN=intermediate"], { stdio: "ignore" });
  execFileSync("openssl", ["genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", path.join(base, "certs/other.key")], { stdio: "ignore" });
});

after(() => {
  delete process.env.NYLON_LOG;
  fs.rmSync(base, { recursive: true, force: true });
});

/** Every key name the configuration schema declares (schema/nylon.schema.json, generated from schema.ts). */
function schemaKeys(): Set<string> {
  const keys = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === "object") {
      for (const [name, value] of Object.entries(node)) {
        if (name === "properties" && value !== null && typeof value === "object") Object.keys(value).forEach((key) => keys.add(key));
        walk(value);
      }
    }
  };
  walk(JSON.parse(fs.readFileSync(path.join(repoRoot, "schema/nylon.schema.json"), "utf8")));
  return keys;
}

describe("the seeds cover the configuration", () => {
  it("every key the schema declares appears in some seed, so the mutations reach it", () => {
    const seeds = SEEDS.flatMap((seed) => Object.values(seed.files)).join("\n");
    const missing = [...schemaKeys()].filter((key) => !new RegExp(`(?:^|[\\s{,])${key}:`, "m").test(seeds));
    assert.deepEqual(missing, [], "keys no seed uses: add them to a seed (a new key needs a seed value and, for a bounded value, candidates)");
  });
});

describe(`mutated configurations (seed ${SEED})`, () => {
  const mutants = allMutants();
  const sample: { accepted: Mutant[]; refused: Mutant[] } = { accepted: [], refused: [] };
  let accepted = 0;

  it(`${mutants.length} mutants: validate and run agree, every refusal is located, nothing internal leaks, files are checked within 5 s of CPU time`, async () => {
    let slowestFilesMs = 0;
    const perSeed = new Map<string, { mutants: number; accepted: number; ms: number }>();
    for (const { seed, id, text, description } of mutants) {
      const seedStarted = performance.now();
      const mutant = await writeMutant(seed, id, text);
      const label = `${id} (${description})`;
      const validate = await validateInProcess(mutant.file);
      const run = (await timed(() => runInProcess(mutant.file))).value;
      slowestFilesMs = Math.max(slowestFilesMs, validate.filesMs);
      assert.ok(validate.filesMs < TIME_LIMIT_MS, `${label}: reading and checking the files took ${Math.round(validate.filesMs)} ms of CPU time`);
      assertLocated(validate, `${label} validate`);
      assertLocated(run, `${label} run`);
      assert.equal(run.accepted, validate.accepted, `${label}: validate ${validate.accepted ? "accepted" : `refused:\n${(validate as { message: string }).message}`}\nrun ${run.accepted ? "started" : `refused:\n${(run as { message: string }).message}`}`);
      if (!run.accepted && !validate.accepted) assert.deepEqual(run.issues, validate.issues, `${label}: validate and run report different problems`);
      if (id.endsWith("-original")) assert.ok(validate.accepted, `${label}: the seed itself must be valid:\n${(validate as { message?: string }).message}`);
      if (validate.accepted) accepted++;
      const tally = perSeed.get(seed.name) ?? { mutants: 0, accepted: 0, ms: 0 };
      perSeed.set(seed.name, { mutants: tally.mutants + 1, accepted: tally.accepted + (validate.accepted ? 1 : 0), ms: tally.ms + performance.now() - seedStarted });
      // Three of each outcome (the demo's seven plugins aside) go to the real commands below.
      const bucket = validate.accepted ? sample.accepted : sample.refused;
      if (seed.name !== "demo" && bucket.length < 3) bucket.push(mutant);
    }
    assert.ok(accepted > 20 && accepted < mutants.length - 50, `a useful mix of outcomes (accepted ${accepted} of ${mutants.length})`);
    const seeds = [...perSeed].map(([name, t]) => `${name} ${t.accepted}/${t.mutants} in ${Math.round(t.ms / 1000)} s`).join(", ");
    console.log(`# ${mutants.length} mutants, ${accepted} accepted (${seeds}); slowest file check ${Math.round(slowestFilesMs)} ms of CPU time`);
  });

  it("the real commands agree on a sample: nylon validate and nylon run (stopped once it listens)", async () => {
    assert.ok(sample.accepted.length + sample.refused.length >= 6, "the sample was taken");
    for (const mutant of [...sample.accepted, ...sample.refused]) {
      const validate = await runNylon(["validate", mutant.file], { cwd: mutant.directory });
      const label = mutant.id;
      const run = await runUntilListening(mutant.file, mutant.directory);
      assert.equal(run.killed, false, `${label}: nylon run neither listened nor exited within 60 s:\n${run.output}`);
      for (const output of [validate.stderr, run.output]) assert.doesNotMatch(output, INTERNAL, `${label}: internal details in:\n${output}`);
      assert.equal(validate.code === 0, run.listened, `${label}: validate exit ${validate.code}, run ${run.listened ? "listened" : "refused"}:\n${validate.stderr}\n${run.output}`);
      assert.equal(validate.code === 0, sample.accepted.includes(mutant), `${label}: the command agrees with the in-process check`);
      if (!run.listened) {
        const problems = (text: string) => text.split("\n").filter((line) => /^\s+\S+:\d+:\d+[: ]/.test(line)).map((line) => line.trim());
        assert.ok(problems(validate.stderr).length > 0, `${label}: validate names no place:\n${validate.stderr}`);
        assert.deepEqual(problems(run.output), problems(validate.stderr), `${label}: the two commands report different problems`);
      }
    }
  });
});

/** `nylon run` until it says it is serving (then SIGTERM) or exits. */
function runUntilListening(file: string, cwd: string): Promise<{ listened: boolean; output: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, NYLON_LOG: "info" };
    const child = spawn(process.execPath, [nylonBin, "run", "--config", file], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let listened = false;
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, 60_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      if (!listened && output.includes("nylon is serving")) {
        listened = true;
        child.kill("SIGTERM");
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("error", reject);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve({ listened, output, killed });
    });
  });
}
