// `nylon run --watch` (development) on a plugin folder outside the repository: an edited plugin source
// is rebuilt and served after a reload, a source with a type error changes nothing and the log names
// its file and line, and an edited config file reloads (or, when invalid, changes nothing).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { repoRoot, runNylon, startNylon, writeTempConfig, type NylonProcess } from "../support/nylon-process.js";
import { eventually, helloPluginSource, pluginAnswering, stopAndRemove, tempDir, waitForLog } from "./ops-support.js";

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

async function get(headers: Record<string, string> = {}, proxy = nylon, route = "/"): Promise<string> {
  const response = await fetch(`${proxy.url}${route}`, { headers });
  return `${response.status} ${await response.text()}`;
}

/** GET `route` of `proxy`: "status body". */
function at(proxy: NylonProcess, route: string): Promise<string> {
  return get({}, proxy, route);
}

/** Polls `route` of `proxy` until it answers 200 with `body`. */
async function answersAt(proxy: NylonProcess, route: string, body: string): Promise<void> {
  await eventually(async () => assert.equal(await at(proxy, route), `200 ${body}`), REBUILD_MS);
}

/**
 * A plugin folder for another proxy: `source` as its plugin.ts, and a copy of the first proxy's .wasm
 * under each of `wasmNames` (so it answers what GET / of the first proxy does until it is rebuilt).
 */
function pluginFolder(folder: string, source: string, ...wasmNames: string[]): void {
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "plugin.ts"), source);
  for (const name of wasmNames) fs.copyFileSync(wasmFile, path.join(folder, name));
}

/** A config serving each plugin (its `hello` entry) at /<name>; `plugins` maps names to .wasm files. */
function routed(plugins: Record<string, string>): string {
  const names = Object.keys(plugins);
  return `
http: ["127.0.0.1:{{PORT}}"]
plugins:
${names.map((name) => `  - { name: ${name}, type: wasm, file: ${plugins[name]!} }`).join("\n")}
services:
${names.map((name) => `  - { name: ${name}, service_type: plugin, plugin: { name: ${name}, entry: hello } }`).join("\n")}
routes:
  - name: app
    route: { type: host, value: "*" }
    paths:
${names.map((name) => `      - { path: /${name}, service: { name: ${name} } }`).join("\n")}
`;
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

/** The JSON log lines `proxy` wrote since offset `from`, in order. */
function logsSince(from: number, proxy = nylon): Array<{ msg: string } & Record<string, unknown>> {
  return proxy
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
  fs.writeFileSync(sourceFile, pluginAnswering("v1"));
  const build = await runNylon(["build", pluginDir]);
  assert.equal(build.code, 0, build.stderr);
  assert.ok(fs.existsSync(wasmFile), build.stderr);
  nylon = await startNylon(config(false), watching(dir));
  // The folders are watched once the proxy runs; an edit before this line would go unnoticed.
  const started = JSON.parse(await waitForLog(nylon, /watching plugin sources and the config/)) as { folders: string[] };
  assert.deepEqual(started.folders.sort(), [dir, pluginDir].sort());
});

after(async () => {
  const code = await stopAndRemove(nylon, dir);
  if (nylon) assert.equal(code, 0, nylon.logs());
});

test("the plugin built before the start answers", async () => {
  assert.equal(await get(), "200 v1");
});

test("an edited plugin source is rebuilt into the .wasm the config loads, and the proxy reloads", async (t) => {
  const from = nylon.logs().length;
  fs.writeFileSync(sourceFile, pluginAnswering("v2"));
  t.diagnostic(`v2 answered ${await answers("v2")} ms after the edit`);
  // The new instance can answer before the reload's log line is written.
  await reloaded(nylon, from);
  const events = logsSince(from);
  const rebuilt = events.findIndex((e) => e.msg === "plugin rebuilt");
  const reload = events.findIndex((e) => e.msg === "configuration reloaded");
  assert.ok(rebuilt >= 0 && reload > rebuilt, `expected "plugin rebuilt" then "configuration reloaded":\n${nylon.logs().slice(from)}`);
  assert.equal(events[rebuilt]!.plugin, "hello");
  assert.deepEqual(events[reload]!.plugins, ["hello"]);
  t.diagnostic(`build ${String(events[rebuilt]!.ms)} ms, reload ${String(events[reload]!.ms)} ms`);
});

test("a source with a type error changes nothing and the log names its file and line; the fix is served", async (t) => {
  const wasmBefore = fs.readFileSync(wasmFile);
  const from = nylon.logs().length;
  // Valid JavaScript: had it been built, the plugin would answer "broken".
  const broken = helloPluginSource(`const answer: number = "broken";`);
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
  fs.writeFileSync(sourceFile, pluginAnswering("v3"));
  t.diagnostic(`v3 answered ${await answers("v3")} ms after the fix`);
  await reloaded(nylon, fixedFrom); // so its log line cannot fall into the next test's window
  assert.ok(logsSince(fixedFrom).some((e) => e.msg === "plugin rebuilt"));
});

test("an edited config file reloads without a rebuild: the new route answers, the old one still does", async () => {
  // Without a route for it, the header's value is unknown and host routing answers.
  assert.equal(await get(SECOND), "200 v3");
  const wasmBefore = fs.readFileSync(wasmFile);
  const from = nylon.logs().length;
  writeTempConfig(config(true), nylon.port, dir);
  await answers("second route", SECOND);
  await reloaded(nylon, from);
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
  pluginFolder(folder, fs.readFileSync(sourceFile, "utf8"), "together.wasm");
  const yaml = config(false).replace(JSON.stringify(wasmFile), "./together.wasm");
  const together = await startNylon(yaml, watching(folder));
  try {
    const started = JSON.parse(await waitForLog(together, /watching plugin sources and the config/)) as { folders: string[] };
    assert.deepEqual(started.folders, [folder]);
    assert.equal(await get({}, together), await get());
    fs.writeFileSync(path.join(folder, "plugin.ts"), pluginAnswering("v4"));
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
  for (const [name, folder] of Object.entries(folders)) pluginFolder(folder, fs.readFileSync(sourceFile, "utf8"), `${name}.wasm`);
  const before = (await get()).slice("200 ".length);
  const proxy = await startNylon(routed({ a: "./a/a.wasm", b: "./b/b.wasm" }), watching(pair));
  try {
    await waitForLog(proxy, /watching plugin sources and the config/);
    assert.equal(await at(proxy, "/a"), `200 ${before}`);
    const from = proxy.logs().length;
    fs.writeFileSync(path.join(folders.a, "plugin.ts"), helloPluginSource(`const answer: number = "broken";`));
    fs.writeFileSync(path.join(folders.b, "plugin.ts"), pluginAnswering("b2"));
    await answersAt(proxy, "/b", "b2");
    assert.equal(await at(proxy, "/a"), `200 ${before}`, "the broken plugin keeps running as it was");
    const log = proxy.logs().slice(from);
    assert.match(log, /plugin build failed/);
    assert.match(log, /"plugin":"b"[^\n]*"msg":"plugin rebuilt"|"msg":"plugin rebuilt"[^\n]*"plugin":"b"/);
  } finally {
    assert.equal(await proxy.stop(), 0, proxy.logs());
  }
});

/** The plugins (as `nylon build` names them: their folder) that `proxy` rebuilt since log offset `from`. */
function rebuiltSince(from: number, proxy: NylonProcess): unknown[] {
  return logsSince(from, proxy)
    .filter((e) => e.msg === "plugin rebuilt")
    .map((e) => e.plugin);
}

/** Waits for the reload after log offset `from`, asserts it applied, and returns the plugins it loaded. */
async function reloaded(proxy: NylonProcess, from: number): Promise<unknown> {
  const line = JSON.parse(await waitForLog(proxy, /configuration reloaded|reload rejected/, REBUILD_MS, from)) as { msg: string; plugins?: unknown };
  assert.equal(line.msg, "configuration reloaded", proxy.logs().slice(from));
  return line.plugins;
}

test("a reload that moves a plugin's .wasm within its folder: the folder is built to the new path, the old file is left alone", async () => {
  const root = path.join(dir, "moving");
  const folder = path.join(root, "hello");
  const oldWasm = path.join(folder, "hello.wasm");
  const newWasm = path.join(folder, "next.wasm");
  pluginFolder(folder, pluginAnswering("moved1"), "hello.wasm");
  const before = (await get()).slice("200 ".length);
  const oldBytes = fs.readFileSync(oldWasm);
  const proxy = await startNylon(routed({ hello: "./hello/hello.wasm" }), watching(root));
  try {
    await waitForLog(proxy, /watching plugin sources and the config/);
    assert.equal(await at(proxy, "/hello"), `200 ${before}`);

    // next.wasm does not exist yet: the config's new path is built from the source, then loaded.
    const from = proxy.logs().length;
    writeTempConfig(routed({ hello: "./hello/next.wasm" }), proxy.port, root);
    assert.deepEqual(await reloaded(proxy, from), ["hello"]);
    assert.deepEqual(rebuiltSince(from, proxy), ["hello"]);
    assert.ok(fs.existsSync(newWasm), "the new path was built");
    assert.equal(await at(proxy, "/hello"), "200 moved1");

    // Later edits go to the new path too.
    const edited = proxy.logs().length;
    fs.writeFileSync(path.join(folder, "plugin.ts"), pluginAnswering("moved2"));
    await answersAt(proxy, "/hello", "moved2");
    assert.deepEqual(rebuiltSince(edited, proxy), ["hello"]);
    assert.deepEqual(fs.readFileSync(oldWasm), oldBytes, "the path the config no longer names is not written");
    assert.doesNotMatch(proxy.logs().slice(from), /reload rejected|plugin build failed/);
  } finally {
    assert.equal(await proxy.stop(), 0, proxy.logs());
  }
});

test("plugins a reload drops are no longer rebuilt, even in the config's own folder; added back, they are again", async () => {
  // The config's folder holds the source of plugin "drop" (drop.wasm is what `nylon build` writes there).
  const root = path.join(dir, "drop");
  const folders = { drop: root, gone: path.join(root, "gone"), kept: path.join(root, "kept") };
  const wasm = { drop: path.join(root, "drop.wasm"), gone: path.join(folders.gone, "gone.wasm") };
  const all = { drop: "./drop.wasm", gone: "./gone/gone.wasm", kept: "./kept/kept.wasm" };
  for (const [name, folder] of Object.entries(folders)) pluginFolder(folder, pluginAnswering(`${name}1`), `${name}.wasm`);
  const before = (await get()).slice("200 ".length);
  const proxy = await startNylon(routed(all), watching(root));
  const edit = (name: keyof typeof folders, text: string) => fs.writeFileSync(path.join(folders[name], "plugin.ts"), pluginAnswering(text));
  try {
    const started = JSON.parse(await waitForLog(proxy, /watching plugin sources and the config/)) as { folders: string[] };
    assert.deepEqual(started.folders.sort(), Object.values(folders).sort());
    const dropped = proxy.logs().length;
    writeTempConfig(routed({ kept: all.kept }), proxy.port, root);
    assert.deepEqual(await reloaded(proxy, dropped), ["kept"]);

    // One burst: only the plugin still in the config is built.
    const bytes = { drop: fs.readFileSync(wasm.drop), gone: fs.readFileSync(wasm.gone) };
    const edited = proxy.logs().length;
    edit("drop", "drop2");
    edit("gone", "gone2");
    edit("kept", "kept2");
    await answersAt(proxy, "/kept", "kept2");
    await reloaded(proxy, edited); // before `readded` below, so that window holds only the next reload
    assert.deepEqual(rebuiltSince(edited, proxy), ["kept"]);
    assert.doesNotMatch(proxy.logs().slice(edited), /plugin build failed/);
    assert.deepEqual(fs.readFileSync(wasm.drop), bytes.drop, "drop.wasm was not rebuilt");
    assert.deepEqual(fs.readFileSync(wasm.gone), bytes.gone, "gone.wasm was not rebuilt");

    // The config's folder is still watched; plugins added back load their .wasm as it is (a config
    // change builds nothing) and are followed again.
    const readded = proxy.logs().length;
    writeTempConfig(routed(all), proxy.port, root);
    assert.deepEqual(await reloaded(proxy, readded), ["drop", "gone", "kept"]);
    assert.equal(await at(proxy, "/gone"), `200 ${before}`);
    assert.deepEqual(rebuiltSince(readded, proxy), []);
    edit("drop", "drop3");
    edit("gone", "gone3");
    await answersAt(proxy, "/gone", "gone3");
    await answersAt(proxy, "/drop", "drop3");
  } finally {
    assert.equal(await proxy.stop(), 0, proxy.logs());
  }
});

test("a plugin added to the config before it was ever built is built, then loaded", async () => {
  const root = path.join(dir, "adding");
  const folders = { first: path.join(root, "first"), added: path.join(root, "added") };
  pluginFolder(folders.first, pluginAnswering("first"), "first.wasm");
  pluginFolder(folders.added, pluginAnswering("added1"));
  const proxy = await startNylon(routed({ first: "./first/first.wasm" }), watching(root));
  try {
    await waitForLog(proxy, /watching plugin sources and the config/);
    const from = proxy.logs().length;
    writeTempConfig(routed({ first: "./first/first.wasm", added: "./added/added.wasm" }), proxy.port, root);
    assert.deepEqual(await reloaded(proxy, from), ["first", "added"]);
    assert.deepEqual(rebuiltSince(from, proxy), ["added"]);
    assert.equal(await at(proxy, "/added"), "200 added1");
    // ...and followed from then on.
    fs.writeFileSync(path.join(folders.added, "plugin.ts"), pluginAnswering("added2"));
    await answersAt(proxy, "/added", "added2");
  } finally {
    assert.equal(await proxy.stop(), 0, proxy.logs());
  }
});

test("a YAML file added to config_dir reloads the config: its route answers", async () => {
  const root = path.join(dir, "including");
  const site = path.join(root, "site");
  const included = path.join(root, "conf.d");
  fs.mkdirSync(site, { recursive: true });
  fs.mkdirSync(included);
  fs.writeFileSync(path.join(site, "index.html"), "from conf.d");
  const proxy = await startNylon(`
http: ["127.0.0.1:{{PORT}}"]
config_dir: ./conf.d
`, watching(root));
  try {
    const started = JSON.parse(await waitForLog(proxy, /watching plugin sources and the config/)) as { folders: string[] };
    assert.deepEqual(started.folders.sort(), [root, included].sort());
    assert.equal((await at(proxy, "/")).split(" ")[0], "404");
    const from = proxy.logs().length;
    fs.writeFileSync(
      path.join(included, "site.yaml"),
      `services:
  - { name: site, service_type: static, static: { root: ../site } }
routes:
  - name: site
    route: { type: host, value: "*" }
    paths:
      - { path: /, service: { name: site } }
`,
    );
    await reloaded(proxy, from);
    assert.equal(await at(proxy, "/"), "200 from conf.d");
  } finally {
    assert.equal(await proxy.stop(), 0, proxy.logs());
  }
});

test("two plugins' .wasm files in one source folder: the folder's own .wasm is built, the other is left alone", async () => {
  // A folder has one source (plugin.ts); vendor.wasm, listed first, may be a component built elsewhere.
  const root = path.join(dir, "sharing");
  const folder = path.join(root, "lib");
  pluginFolder(folder, pluginAnswering("lib1"), "lib.wasm", "vendor.wasm");
  const before = (await get()).slice("200 ".length);
  const vendorBytes = fs.readFileSync(path.join(folder, "vendor.wasm"));
  const proxy = await startNylon(routed({ vendor: "./lib/vendor.wasm", lib: "./lib/lib.wasm" }), watching(root));
  try {
    await waitForLog(proxy, /watching plugin sources and the config/);
    const from = proxy.logs().length;
    fs.writeFileSync(path.join(folder, "plugin.ts"), pluginAnswering("lib2"));
    await answersAt(proxy, "/lib", "lib2");
    assert.equal(await at(proxy, "/vendor"), `200 ${before}`);
    assert.deepEqual(fs.readFileSync(path.join(folder, "vendor.wasm")), vendorBytes);
    assert.deepEqual(rebuiltSince(from, proxy), ["lib"]);
  } finally {
    assert.equal(await proxy.stop(), 0, proxy.logs());
  }
});
