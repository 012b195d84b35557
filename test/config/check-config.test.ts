// The validation `nylon validate` and `nylon run` share reaches past the configuration's own files: plugin
// files of every wrong kind, plugin init, the entries a configuration names, certificates, static roots and
// listeners are all reported at the key that names them, all at once.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "../support/nylon-process.js";
import { wrongPluginFiles } from "../support/wrong-plugin-files.js";
import { expectIssue, startError, writeFixture } from "./fixtures.js";

const echoWasm = path.join(repoRoot, "plugins/echo/echo.wasm");
const headersWasm = path.join(repoRoot, "plugins/security-headers/security-headers.wasm");
const authWasm = path.join(repoRoot, "plugins/auth-ws/auth-ws.wasm");
const echoRustWasm = path.join(repoRoot, "plugins/echo-rust/echo-rust.wasm");
const listen = 'http: ["127.0.0.1:8080"]\n';

/** A config with one plugin (its file as given) used by a plugin service. */
function pluginConfig(file: string, extra = ""): string {
  return `${listen}plugins:\n  - name: p\n    type: wasm\n    file: ${JSON.stringify(file)}\n${extra}`;
}

const check = (files: Parameters<typeof expectIssue>[0], expected: Parameters<typeof expectIssue>[1]) => expectIssue(files, expected, startError);

describe("plugin files are checked where the configuration names them", () => {
  it("a missing .wasm beside a plugin source says to build it", async () => {
    await check({ "nylon.yaml": pluginConfig("plugins/x/x.wasm"), "plugins/x/plugin.ts": "export {};\n" },
      { line: 5, column: 11, path: "plugins[0].file", message: /plugins\/x\/x\.wasm does not exist: run `nylon build .*plugins\/x`/ });
  });

  it("a .ts source given as file says which build command makes the component", async () => {
    await check({ "nylon.yaml": pluginConfig("plugins/x/plugin.ts"), "plugins/x/plugin.ts": "export {};\n" },
      { line: 5, path: "plugins[0].file", message: /is TypeScript source, not a built plugin: run `nylon build .*plugins\/x`/ });
  });

  it("a directory names the component inside it", async () => {
    const directory = await writeFixture({ "nylon.yaml": pluginConfig("plugins/x"), "plugins/x/x.wasm": fs.readFileSync(echoWasm) });
    const error = await startError(directory);
    assert.match(error.message, /nylon\.yaml:5:11 plugins\[0\]\.file: .*plugins\/x is a directory, not a plugin file: give the component inside it \(.*plugins\/x\/x\.wasm\)/);
  });

  it("text, an empty file, core modules, a truncated component and components of other worlds each say what they are", async () => {
    const wrong = await wrongPluginFiles();
    const names = Object.keys(wrong);
    const files = {
      "nylon.yaml": `${listen}plugins:\n${names.map((file, index) => `  - { name: p${index}, type: wasm, file: ${file} }`).join("\n")}\n`,
      ...wrong,
    };
    const error = await startError(await writeFixture(files));
    const byFile = new Map(error.issues.map((issue) => [names[Number(/^plugins\[(\d+)\]/.exec(issue.path)![1])], `${issue.line} ${issue.path}: ${issue.message}`]));
    assert.equal(byFile.size, names.length, error.message);
    const expected: Record<string, RegExp> = {
      "text.wasm": /^3 plugins\[0\]\.file: .*text\.wasm is not a WebAssembly component: it is a text file/,
      "empty.wasm": /^4 plugins\[1\]\.file: .*empty\.wasm is empty/,
      "core.wasm": /core\.wasm is a core WebAssembly module, not a component: nylon loads components built against the nylon:plugin contract \(`nylon build` makes one from TypeScript, Rust or Go/,
      "rust-core.wasm": /rust-core\.wasm is a core WebAssembly module, not a component: it is what cargo compiles from a Rust crate, before `nylon build <crate folder>` wraps it into a component/,
      "rust-wasip1.wasm": /rust-wasip1\.wasm is a core WebAssembly module, not a component: rustc built it for WASI \(wasm32-wasip1\); a Rust plugin is a crate built for wasm32-unknown-unknown/,
      "truncated.wasm": /truncated\.wasm is a truncated or damaged WebAssembly component: unexpected end-of-file/,
      "foreign.wasm": /foreign\.wasm is a component of another world \(it exports run; imports nothing\): a nylon plugin exports nylon:plugin\/guest@/,
      "wasi-program.wasm": /wasi-program\.wasm is a component of another world \(it exports wasi:cli\/run@0\.2\.0; imports wasi:cli\/environment@0\.2\.0\), a WASI program with a main function \(such as a Rust binary built for wasm32-wasip2\), not a plugin/,
      "plugin-with-wasi.wasm": /plugin-with-wasi\.wasm imports what nylon does not provide \(wasi:cli\/environment@0\.2\.0\): a plugin imports only nylon:plugin\/host@[\d.]+; plugins get no WASI: build a Rust plugin for wasm32-unknown-unknown/,
    };
    for (const name of names) assert.match(byFile.get(name)!, expected[name]!, name);
    assert.doesNotMatch(error.message, /expected=\[|0x0,|Error:|destructure/, "no decoder byte dump or JavaScript error");
  });

  it("a Rust component loads like a TypeScript one, its entries looked up", async () => {
    await check({ "nylon.yaml": `${pluginConfig(echoRustWasm)}services:\n  - { name: s, service_type: plugin, plugin: { name: p, entry: ecoh } }\n` },
      { line: 7, path: "services[0].plugin.entry", message: /plugin p has no entry "ecoh" \(did you mean "echo"\?\) \(it registers: echo\)/ });
  });

  it("a plugin that registers entries no configuration can name is refused at its file, whatever its SDK allowed", async () => {
    await check({ "nylon.yaml": pluginConfig(path.join(repoRoot, "test/plugins/bad-entry-names/bad-entry-names.wasm")) },
      { line: 5, path: "plugins[0].file", message: /^plugin p registers entries no configuration can name \("", "two words"\): an entry name is a letter or digit/ });
  });

  it("a plugin whose init refuses its config is reported at its config", async () => {
    await check({ "nylon.yaml": pluginConfig(authWasm, "    config: { token: x }\n") },
      { line: 6, path: "plugins[0].config", message: /plugin p failed in init: .*config needs "tokens"/ });
  });

  it("a memory limit below what the module starts with is reported at the limit", async () => {
    await check({ "nylon.yaml": pluginConfig(echoWasm, "    limits: { memory_mb: 1 }\n") },
      { line: 6, path: "plugins[0].limits.memory_mb", message: /starts with [\d.]+ MiB of memory, over limits\.memory_mb = 1/ });
  });

  it("an entry the plugin does not register is named with a did-you-mean, in services, routes and groups", async () => {
    const files = {
      "nylon.yaml": `${listen}plugins:
  - { name: headers, type: wasm, file: ${JSON.stringify(headersWasm)} }
services:
  - { name: s, service_type: plugin, plugin: { name: headers, entry: securty } }
middleware_groups:
  g: [{ plugin: headers, entry: api-key-gaurd }]
routes:
  - name: r
    route: { type: host, value: "*" }
    middleware: [{ group: g }]
    paths:
      - path: /
        middleware: [{ plugin: headers, entry: cros }]
        service: { name: s }
`,
    };
    const error = await startError(await writeFixture(files));
    const lines = error.issues.map((issue) => `${issue.line}:${issue.column} ${issue.path}: ${issue.message}`);
    assert.deepEqual(lines, [
      '5:70 services[0].plugin.entry: plugin headers has no entry "securty" (did you mean "security"?) (it registers: security, cors)',
      '7:33 middleware_groups.g[0].entry: plugin headers has no entry "api-key-gaurd" (it registers: security, cors)',
      '14:48 routes[0].paths[0].middleware[0].entry: plugin headers has no entry "cros" (did you mean "cors"?) (it registers: security, cors)',
    ]);
  });
});

describe("what else run needs is checked before it starts", () => {
  it("refuses a configuration with no listener", async () => {
    await check({ "nylon.yaml": "log: { level: info }\n" }, { line: 1, path: "http", message: /no listener: nylon would serve nothing/ });
  });

  it("refuses a static root that is missing or is a file", async () => {
    const files = {
      "nylon.yaml": `${listen}services:\n  - { name: a, service_type: static, static: { root: ./nowhere } }\n  - { name: b, service_type: static, static: { root: ./nylon.yaml } }\n  - { name: c, service_type: static, static: { root: ./www } }\n`,
      "www/index.html": "hi",
    };
    const error = await startError(await writeFixture(files));
    assert.deepEqual(error.issues.map((issue) => [issue.line, issue.path]), [[3, "services[0].static.root"], [4, "services[1].static.root"]]);
    assert.match(error.issues[0]!.message, /the directory nowhere does not exist|the directory .*nowhere does not exist/);
    assert.match(error.issues[1]!.message, /nylon\.yaml is a file; root names the directory to serve/);
  });

  it("checks every certificate file: missing, empty, not PEM, a key in the chain, a key that does not fit", async () => {
    const directory = await writeFixture({ "empty.pem": "", "notes.txt": "hello\n" });
    const openssl = (name: string) =>
      execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
        "-keyout", path.join(directory, `${name}.key`), "-out", path.join(directory, `${name}.crt`), "-subj", `/CN=${name}`], { stdio: "ignore" });
    openssl("a");
    openssl("b");
    fs.writeFileSync(path.join(directory, "chain-with-key.pem"), fs.readFileSync(path.join(directory, "a.key")));
    fs.writeFileSync(path.join(directory, "nylon.yaml"), `https: ["127.0.0.1:8443"]
tls:
  - { type: custom, cert: missing.crt, key: a.key, domains: [m.example] }
  - { type: custom, cert: empty.pem, key: notes.txt, domains: [e.example] }
  - { type: custom, cert: a.crt, key: a.key, chain: [chain-with-key.pem], domains: [c.example] }
  - { type: custom, cert: a.crt, key: b.key, domains: [k.example] }
  - { type: custom, cert: b.crt, key: b.key, domains: [ok.example] }
`);
    const error = await startError(directory);
    const found = error.issues.map((issue) => `${issue.line} ${issue.path}: ${issue.message.replace(directory + "/", "")}`);
    assert.equal(found.length, 5, error.message);
    assert.match(found[0]!, /^3 tls\[0\]\.cert: .*missing\.crt does not exist/);
    assert.match(found[1]!, /^4 tls\[1\]\.cert: .*empty\.pem is empty/);
    assert.match(found[2]!, /^4 tls\[1\]\.key: .*notes\.txt holds no usable PEM private key/);
    assert.match(found[3]!, /^5 tls\[2\]\.chain\[0\]: .*chain-with-key\.pem holds a private key: the chain is sent to every client/);
    assert.match(found[4]!, /^6 tls\[3\]\.key: .*b\.key does not fit the certificate .*a\.crt/);
  });

  it("reports problems of the configuration's files and of what they name together only once the files are valid", async () => {
    // A plugin file cannot be checked reliably while the configuration itself is invalid: the first report
    // lists the configuration's problems, the next one what it names.
    const error = await startError(await writeFixture({ "nylon.yaml": `${pluginConfig("nope.wasm")}logg: {}\n` }));
    assert.deepEqual(error.issues.map((issue) => issue.path), ["logg"]);
  });
});
