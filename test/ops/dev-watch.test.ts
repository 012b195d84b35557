// `nylon run --watch` (development) on a plugin folder outside the repository: an edited plugin source
// is rebuilt and served after a reload, a source with a type error changes nothing and the log names
// its file and line, and an edited config file reloads (or, when invalid, changes nothing).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { repoRoot, runNylon, startNylon, writeTempConfig, type NylonProcess } from "../support/nylon-process.js";
import { eventually, tempDir, waitForLog } from "./ops-support.js";

/** A rebuild (type check, bundle, componentize) takes 2-5 s; this is the deadline for one to show. */
const REBUILD_MS = 60_000;
/** The header a `type: header` route is selected by (the default `header_selector`). */
const SECOND = { "x-nylon-proxy": "second" };

let dir: string;
let pluginDir: string;
let sourceFile: string;
let wasmFile: string;
let siteDir: string;
let nylon: NylonProcess;

/** The plugin's source: `declaration` declares `answer`, the text every request is answered with. */
function pluginSource(declaration: string): string {
  return `import { NylonPlugin } from "@nylon/sdk";

${declaration}

const plugin = new NylonPlugin();

plugin.addPhaseHandler("hello", (phase) => {
  phase.requestFilter((ctx) => {
    ctx.response().bodyText(String(answer));
    ctx.end();
  });
});
`;
}

function answering(text: string): string {
  return pluginSource(`const answer: string = ${JSON.stringify(text)};`);
}

/** The config; `second` adds a header-selected route served by a static site. */
function config(second: boolean): string {
  return `
http: ["127.0.0.1:{{PORT}}"]
plugins:
  - { name: hello, type: wasm, file: ${JSON.stringify(wasmFile)} }
services:
  - { name: hello, service_type: plugin, plugin: { name: hello, entry: hello } }
${second ? `  - { name: site, service_type: static, static: { root: ${JSON.stringify(siteDir)} } }` : ""}
routes:
  - name: app
    route: { type: host, value: "*" }
    paths:
      - { path: /, service: { name: hello } }
${second ? `  - name: second\n    route: { type: header, value: second }\n    paths:\n      - { path: /, service: { name: site } }` : ""}
`;
}

async function get(headers: Record<string, string> = {}, proxy = nylon): Promise<string> {
  const response = await fetch(`${proxy.url}/`, { headers });
  return `${response.status} ${await response.text()}`;
}

/** Polls GET / until it answers 200 with `body`; returns how long that took. */
async function answers(body: string, headers: Record<string, string> = {}, proxy = nylon): Promise<number> {
  const started = Date.now();
  await eventually(async () => assert.equal(await get(headers, proxy), `200 ${body}`), REBUILD_MS);
  return Date.now() - started;
}

/** startNylon options for `nylon run --watch` with the config in `configDir`. */
function watching(configDir: string): Parameters<typeof startNylon>[1] {
  // Every build has new bytes: their generated glue stays out of the user's cache.
  return { configDir, args: ["--watch"], env: { NYLON_CACHE_DIR: path.join(dir, "cache") } };
}

/** The JSON log lines written since offset `from`, in order. */
function logsSince(from: number): Array<{ msg: string } & Record<string, unknown>> {
  return nylon
    .logs()
    .slice(from)
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { msg: string });
}

before(async () => {
  dir = tempDir();
  pluginDir = path.join(dir, "hello");
  sourceFile = path.join(pluginDir, "plugin.ts");
  wasmFile = path.join(pluginDir, "hello.wasm");
  siteDir = path.join(dir, "site");
  fs.mkdirSync(pluginDir);
  fs.mkdirSync(siteDir);
  fs.writeFileSync(path.join(siteDir, "index.html"), "second route");
  fs.writeFileSync(sourceFile, answering("v1"));
  const build = await runNylon(["build", pluginDir]);
  assert.equal(build.code, 0, build.stderr);
  assert.ok(fs.existsSync(wasmFile), build.stderr);
  nylon = await startNylon(config(false), watching(dir));
  // The folders are watched once the proxy runs; an edit before this line would go unnoticed.
  const started = JSON.parse(await waitForLog(nylon, /watching plugin sources and the config/)) as { folders: string[] };
  assert.deepEqual(started.folders.sort(), [dir, pluginDir].sort());
});

after(async () => {
  try {
    if (nylon) assert.equal(await nylon.stop(), 0, nylon.logs());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the plugin built before the start answers", async () => {
  assert.equal(await get(), "200 v1");
});

test("an edited plugin source is rebuilt into the .wasm the config loads, and the proxy reloads", async (t) => {
  const from = nylon.logs().length;
  fs.writeFileSync(sourceFile, answering("v2"));
  t.diagnostic(`v2 answered ${await answers("v2")} ms after the edit`);
  const events = logsSince(from);
  const rebuilt = events.findIndex((e) => e.msg === "plugin rebuilt");
  const reloaded = events.findIndex((e) => e.msg === "configuration reloaded");
  assert.ok(rebuilt >= 0 && reloaded > rebuilt, `expected "plugin rebuilt" then "configuration reloaded":\n${nylon.logs().slice(from)}`);
  assert.equal(events[rebuilt]!.plugin, "hello");
  assert.deepEqual(events[reloaded]!.plugins, ["hello"]);
  t.diagnostic(`build ${String(events[rebuilt]!.ms)} ms, reload ${String(events[reloaded]!.ms)} ms`);
});

test("a source with a type error changes nothing and the log names its file and line; the fix is served", async (t) => {
  const wasmBefore = fs.readFileSync(wasmFile);
  const from = nylon.logs().length;
  // Valid JavaScript: had it been built, the plugin would answer "broken".
  const broken = pluginSource(`const answer: number = "broken";`);
  const errorLine = broken.split("\n").findIndex((line) => line.startsWith("const answer")) + 1;
  fs.writeFileSync(sourceFile, broken);

  const failed = JSON.parse(await waitForLog(nylon, /plugin build failed/, REBUILD_MS, from)) as { folder: string; err: string };
  assert.equal(failed.folder, pluginDir);
  const located = /^(.+):(\d+):(\d+): error (TS\d+): (.*)$/m.exec(failed.err);
  assert.ok(located, `no file:line:col in ${JSON.stringify(failed.err)}`);
  // The file is named relative to nylon's working directory (the repository root, see startNylon).
  assert.equal(path.resolve(repoRoot, located[1]!), sourceFile);
  assert.equal(Number(located[2]), errorLine);
  assert.equal(located[4], "TS2322");
  assert.match(located[5]!, /'string' is not assignable to type 'number'/);

  assert.equal(await get(), "200 v2");
  assert.deepEqual(fs.readFileSync(wasmFile), wasmBefore, "the failed build left the .wasm alone");
  assert.doesNotMatch(nylon.logs().slice(from), /configuration reloaded|reload rejected/);

  const fixedFrom = nylon.logs().length;
  fs.writeFileSync(sourceFile, answering("v3"));
  t.diagnostic(`v3 answered ${await answers("v3")} ms after the fix`);
  assert.ok(logsSince(fixedFrom).some((e) => e.msg === "plugin rebuilt"));
});

test("an edited config file reloads without a rebuild: the new route answers, the old one still does", async () => {
  // Without a route for it, the header's value is unknown and host routing answers.
  assert.equal(await get(SECOND), "200 v3");
  const wasmBefore = fs.readFileSync(wasmFile);
  const from = nylon.logs().length;
  writeTempConfig(config(true), nylon.port, dir);
  await answers("second route", SECOND);
  assert.equal(await get(), "200 v3");
  const events = logsSince(from);
  assert.ok(events.some((e) => e.msg === "configuration reloaded"));
  assert.ok(!events.some((e) => e.msg === "plugin rebuilt"), "a config change does not rebuild the plugin");
  assert.deepEqual(fs.readFileSync(wasmFile), wasmBefore);
});

test("an invalid config file is logged and changes nothing", async () => {
  const from = nylon.logs().length;
  writeTempConfig(config(true).replace("service_type: static", "service_type: statik"), nylon.port, dir);
  assert.match(await waitForLog(nylon, /reload rejected/, REBUILD_MS, from), /statik/);
  assert.equal(await get(SECOND), "200 second route");
  assert.equal(await get(), "200 v3");
});

test("a config file in the plugin's own folder: source edits are still rebuilt", async () => {
  // A second proxy, for a common development layout: nylon.yaml next to plugin.ts (the config's folder
  // is the plugin's). It starts on a copy of the first one's .wasm, so both answer the same until the edit.
  const folder = path.join(dir, "together");
  fs.mkdirSync(folder);
  fs.copyFileSync(sourceFile, path.join(folder, "plugin.ts"));
  fs.copyFileSync(wasmFile, path.join(folder, "together.wasm"));
  const yaml = config(false).replace(JSON.stringify(wasmFile), "./together.wasm");
  const together = await startNylon(yaml, watching(folder));
  try {
    const started = JSON.parse(await waitForLog(together, /watching plugin sources and the config/)) as { folders: string[] };
    assert.deepEqual(started.folders, [folder]);
    assert.equal(await get({}, together), await get());
    fs.writeFileSync(path.join(folder, "plugin.ts"), answering("v4"));
    await answers("v4", {}, together);
    await waitForLog(together, /plugin rebuilt/);
  } finally {
    assert.equal(await together.stop(), 0, together.logs());
  }
});

test("two plugins edited at once, one of them broken: the other is still rebuilt and served", async () => {
  // A checkout or a search-and-replace touches several plugins in one burst; a failed build must not
  // drop the others' edits (nor a config change in the same burst).
  const pair = path.join(dir, "pair");
  const folders = { a: path.join(pair, "a"), b: path.join(pair, "b") };
  for (const [name, folder] of Object.entries(folders)) {
    fs.mkdirSync(folder, { recursive: true });
    fs.copyFileSync(sourceFile, path.join(folder, "plugin.ts"));
    fs.copyFileSync(wasmFile, path.join(folder, `${name}.wasm`));
  }
  const before = (await get()).slice("200 ".length);
  const proxy = await startNylon(
    `
http: ["127.0.0.1:{{PORT}}"]
plugins:
  - { name: a, type: wasm, file: ./a/a.wasm }
  - { name: b, type: wasm, file: ./b/b.wasm }
services:
  - { name: a, service_type: plugin, plugin: { name: a, entry: hello } }
  - { name: b, service_type: plugin, plugin: { name: b, entry: hello } }
routes:
  - name: app
    route: { type: host, value: "*" }
    paths:
      - { path: /a, service: { name: a } }
      - { path: /b, service: { name: b } }
`,
    watching(pair),
  );
  const answer = async (route: string) => {
    const response = await fetch(`${proxy.url}${route}`);
    return `${response.status} ${await response.text()}`;
  };
  try {
    await waitForLog(proxy, /watching plugin sources and the config/);
    assert.equal(await answer("/a"), `200 ${before}`);
    const from = proxy.logs().length;
    fs.writeFileSync(path.join(folders.a, "plugin.ts"), pluginSource(`const answer: number = "broken";`));
    fs.writeFileSync(path.join(folders.b, "plugin.ts"), answering("b2"));
    await eventually(async () => assert.equal(await answer("/b"), "200 b2"), REBUILD_MS);
    assert.equal(await answer("/a"), `200 ${before}`, "the broken plugin keeps running as it was");
    const log = proxy.logs().slice(from);
    assert.match(log, /plugin build failed/);
    assert.match(log, /"plugin":"b"[^\n]*"msg":"plugin rebuilt"|"msg":"plugin rebuilt"[^\n]*"plugin":"b"/);
  } finally {
    assert.equal(await proxy.stop(), 0, proxy.logs());
  }
});
