import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { ConfigError } from "../../runtime/config/config-error.js";
import { loadConfig } from "../../runtime/config/load.js";
import { expectIssue, loadError, writeFixture, yaml } from "./fixtures.js";

const webService = yaml(`
services:
  - name: web
    service_type: http
    endpoints: [{ ip: 127.0.0.1, port: 3000 }]
`);

describe("configuration errors name the file, line, column and key path", () => {
  it("reports a YAML syntax error with its position", async () => {
    await expectIssue({ "nylon.yaml": yaml(`
http: ["0.0.0.0:8088"]
routes:
  - name: [unclosed
`) }, { line: 4, path: "", message: /YAML syntax error/ });
  });

  it("refuses a key written twice in one mapping", async () => {
    await expectIssue({ "nylon.yaml": "log:\n  level: info\n  level: debug\n" }, { line: 3, column: 3, path: "log.level", message: /key "level" is written twice in this mapping \(first at line 2\)/ });
  });

  it("refuses an unknown key with a did-you-mean suggestion", async () => {
    await expectIssue({ "nylon.yaml": yaml(`
services:
  - name: web
    service_type: http
    algoritm: random
    endpoints: [{ ip: 127.0.0.1, port: 3000 }]
`) }, { line: 4, column: 5, path: "services[0].algoritm", message: /unknown key "algoritm" \(did you mean "algorithm"\?\)/ });
  });

  it("lists the allowed keys when no key is close", async () => {
    await expectIssue({ "nylon.yaml": "zzzzzz: 1\n" }, { line: 1, column: 1, path: "zzzzzz", message: /allowed keys: http, https/ });
  });

  it("refuses a value of the wrong type, saying what was expected", async () => {
    await expectIssue({ "nylon.yaml": yaml(`
log:
  access_log: "yes"
`) }, { line: 2, column: 15, path: "log.access_log", message: /expected boolean, got string "yes"/ });
  });

  it("refuses a route to an undefined service, listing the defined ones", async () => {
    await expectIssue({ "nylon.yaml": webService + yaml(`
routes:
  - name: main
    route: { type: host, value: localhost }
    paths:
      - path: /
        service: { name: api }
`) }, { line: 10, path: "routes[0].paths[0].service.name", message: /service "api" is not defined \(defined services: web\)/ });
  });

  it("refuses a plugin service whose plugin is not declared", async () => {
    await expectIssue({ "nylon.yaml": yaml(`
services:
  - name: chat
    service_type: plugin
    plugin: { name: chatroom, entry: ws }
`) }, { line: 4, path: "services[0].plugin.name", message: /plugin "chatroom" is not defined/ });
  });

  it("refuses middleware naming an undeclared plugin", async () => {
    await expectIssue({ "nylon.yaml": webService + yaml(`
routes:
  - name: main
    route: { type: host, value: "*" }
    middleware:
      - plugin: authz
        entry: check
    paths:
      - { path: /, service: { name: web } }
`) }, { line: 9, path: "routes[0].middleware[0].plugin", message: /plugin "authz" is not defined/ });
  });

  it("refuses a duplicate service name across config_dir files, naming both files", async () => {
    const issue = await expectIssue({
      "nylon.yaml": "config_dir: conf.d\n",
      "conf.d/10-a.yaml": webService,
      "conf.d/20-b.yaml": "# second\n" + webService,
    }, { file: "conf.d/20-b.yaml", line: 3, path: "services[0].name", message: /duplicate service name "web": already defined at .*conf\.d\/10-a\.yaml:2:11/ });
    assert.ok(issue.file.endsWith("20-b.yaml"));
  });

  it("refuses a duplicate middleware group across files, naming both files", async () => {
    const group = "middleware_groups:\n  security:\n    - plugin: RequestHeaderModifier\n      payload: { remove: [cookie] }\n";
    await expectIssue({ "nylon.yaml": "config_dir: conf.d\n" + group, "conf.d/a.yaml": group },
      { file: "conf.d/a.yaml", line: 2, path: "middleware_groups.security", message: /duplicate middleware group "security": already defined at .*nylon\.yaml:3:3/ });
  });

  it("refuses an unknown template function at load time", async () => {
    await expectIssue({ "nylon.yaml": yaml(`
middleware_groups:
  ids:
    - plugin: RequestHeaderModifier
      payload:
        set:
          - name: x-request-id
            value: "\${uid(v7)}"
`) }, { line: 7, path: "middleware_groups.ids[0].payload.set[0].value", message: /unknown template function "uid" \(did you mean "uuid"\?\)/ });
  });

  it("refuses a template that does not parse", async () => {
    await expectIssue({ "nylon.yaml": yaml(`
services:
  - name: chat
    service_type: plugin
    plugin: { name: p, entry: ws, payload: { who: "\${header(x-user" } }
plugins:
  - { name: p, type: wasm, file: p.wasm }
`) }, { line: 4, path: "services[0].plugin.payload.who", message: /expected "," or "\)"/ });
  });

  it("refuses a bad listener address", async () => {
    await expectIssue({ "nylon.yaml": yaml(`
http:
  - 0.0.0.0:8088
  - "nope"
`) }, { line: 3, column: 5, path: "http[1]", message: /bad listener address/ });
  });

  it("refuses a listener port out of range", async () => {
    await expectIssue({ "nylon.yaml": "https: ['127.0.0.1:70000']\n" }, { line: 1, path: "https[0]", message: /bad listener address.*1-65535/ });
  });

  it("refuses a type: ffi plugin, telling the user to build a .wasm", async () => {
    await expectIssue({ "nylon.yaml": yaml(`
plugins:
  - name: legacy
    type: ffi
    file: ./legacy.so
`) }, { line: 3, column: 11, path: "plugins[0].type", message: /build a \.wasm component with `nylon build`/ });
  });

  it("refuses an isolation other than inline or worker, naming both", async () => {
    await expectIssue({ "nylon.yaml": yaml(`
plugins:
  - name: echo
    type: wasm
    file: ./echo.wasm
    isolation: process
`) }, { line: 5, column: 16, path: "plugins[0].isolation", message: /"inline".*"worker"/ });
  });

  it("refuses a missing required key", async () => {
    await expectIssue({ "nylon.yaml": yaml(`
services:
  - service_type: static
    static: { root: ./www }
`) }, { line: 2, path: "services[0].name", message: /missing required key "name"/ });
  });

  it("refuses a bad duration", async () => {
    await expectIssue({ "nylon.yaml": yaml(`
services:
  - name: web
    service_type: http
    endpoints: [{ ip: 10.0.0.1, port: 80 }]
    health_check:
      interval: 10 seconds
`) }, { line: 6, path: "services[0].health_check.interval", message: /expected a duration such as "500ms", "3s" or "1m"/ });
  });

  it("refuses a Host among a health check's headers, and a status range upside down", async () => {
    const service = (check: string) => yaml(`
services:
  - name: web
    service_type: http
    endpoints: [{ ip: 10.0.0.1, port: 80 }]
    health_check: ${check}
`);
    await expectIssue({ "nylon.yaml": service("{ headers: { Host: a.example } }") }, { line: 5, path: "services[0].health_check.headers.Host", message: /set the Host with the health check's "host" key/ });
    await expectIssue({ "nylon.yaml": service('{ expected_statuses: ["299-200"] }') }, { line: 5, path: "services[0].health_check.expected_statuses[0]", message: /first status is above its last/ });
  });

  it("refuses an unknown algorithm, suggesting the close one", async () => {
    await expectIssue({ "nylon.yaml": yaml(`
services:
  - name: web
    service_type: http
    algorithm: round-robin
    endpoints: [{ ip: 10.0.0.1, port: 80 }]
`) }, { line: 4, path: "services[0].algorithm", message: /expected one of "round_robin", "random", "consistent", "weighted".*did you mean "round_robin"/ });
  });

  it("refuses a reference to an undefined middleware group", async () => {
    await expectIssue({ "nylon.yaml": webService + yaml(`
routes:
  - name: main
    route: { type: host, value: localhost }
    paths:
      - path: /
        middleware: [{ group: securty }]
        service: { name: web }
middleware_groups:
  security: [{ plugin: RequestHeaderModifier, payload: { remove: [cookie] } }]
`) }, { line: 10, path: "routes[0].paths[0].middleware[0].group", message: /middleware group "securty" is not defined \(did you mean "security"\?\)/ });
  });

  it("refuses an endpoint port of 0", async () => {
    await expectIssue({ "nylon.yaml": yaml(`
services:
  - name: web
    service_type: http
    endpoints:
      - ip: 127.0.0.1
        port: 0
`) }, { line: 6, path: "services[0].endpoints[0].port", message: /expected a port number from 1 to 65535/ });
  });

  it("refuses a header route without a value", async () => {
    await expectIssue({ "nylon.yaml": webService + yaml(`
routes:
  - name: beta
    route:
      type: header
    paths: [{ path: /, service: { name: web } }]
`) }, { line: 8, path: "routes[0].route.value", message: /missing required key "value"/ });
  });

  it("refuses an unknown service_type", async () => {
    await expectIssue({ "nylon.yaml": "services:\n  - name: x\n    service_type: htp\n" },
      { line: 3, path: "services[0].service_type", message: /expected one of "http", "plugin", "static", got string "htp" \(did you mean "http"\?\)/ });
  });

  it("refuses plugin middleware without entry", async () => {
    await expectIssue({ "nylon.yaml": "middleware_groups:\n  auth:\n    - plugin: authz\n" },
      { line: 3, path: "middleware_groups.auth[0].entry", message: /"entry" is required/ });
  });

  it("refuses an http service without endpoints", async () => {
    await expectIssue({ "nylon.yaml": "services:\n  - name: web\n    service_type: http\n    endpoints: []\n" },
      { line: 4, path: "services[0].endpoints", message: /at least one endpoint/ });
  });

  it("refuses ACME certificates with an explanation", async () => {
    await expectIssue({ "nylon.yaml": "tls:\n  - type: acme\n    cert: a\n    key: b\n    domains: [example.com]\n" },
      { line: 2, path: "tls[0].type", message: /ACME issuance is out of scope/ });
  });

  it("refuses a redis adapter without a redis block", async () => {
    await expectIssue({ "nylon.yaml": "websocket:\n  adapter_type: cluster\n" },
      { line: 2, path: "websocket.redis", message: /needs a "redis" block/ });
  });

  it("reports a problem inside a middleware item at its own key, not as a failed alternative", async () => {
    await expectIssue({ "nylon.yaml": "middleware_groups:\n  a:\n    - { plugin: 5, entry: x }\n" },
      { line: 3, column: 17, path: "middleware_groups.a[0].plugin", message: /expected string, got number 5/ });
  });

  it("refuses a middleware item that is neither a group nor a plugin", async () => {
    await expectIssue({ "nylon.yaml": "middleware_groups:\n  a: [auth]\n" },
      { line: 2, column: 7, path: "middleware_groups.a[0]", message: /expected a middleware item: \{group: <name>\} or \{plugin: <name>/ });
  });

  it("refuses a group inside a group", async () => {
    await expectIssue({ "nylon.yaml": "middleware_groups:\n  a: [{ plugin: RequestHeaderModifier, payload: { remove: [cookie] } }]\n  b: [{ group: a }]\n" },
      { line: 3, path: "middleware_groups.b[0].group", message: /cannot include another group/ });
  });

  it("refuses a config_dir file that uses a main-file-only key", async () => {
    await expectIssue({ "nylon.yaml": "config_dir: conf.d\n", "conf.d/a.yaml": "http: ['0.0.0.0:80']\n" },
      { file: "conf.d/a.yaml", line: 1, path: "http", message: /unknown key "http"/ });
  });

  it("refuses a missing config_dir", async () => {
    await expectIssue({ "nylon.yaml": "config_dir: ./nowhere\n" }, { line: 1, path: "config_dir", message: /cannot read the directory .*nowhere/ });
  });
});

describe("all problems are reported at once", () => {
  it("collects problems from several keys and several files, in file order", async () => {
    const directory = await writeFixture({
      "nylon.yaml": "config_dir: conf.d\nhttp: [bad]\nlog: { level: loud }\n",
      "conf.d/a.yaml": "services:\n  - name: web\n    service_type: http\n    endpoints: [{ ip: '', port: 1 }]\n",
    });
    const error = await loadError(directory);
    assert.deepEqual(error.issues.map((issue) => [path.basename(issue.file), issue.line, issue.path]), [
      ["nylon.yaml", 2, "http[0]"],
      ["nylon.yaml", 3, "log.level"],
      ["a.yaml", 4, "services[0].endpoints[0].ip"],
    ]);
    assert.equal(error.message.split("\n").length, 4);
    assert.match(error.message, /^invalid configuration \(3 problems\):/);
  });

  it("reports an unreadable main file as NYLON_E_CONFIG_READ naming the file", async () => {
    const directory = await writeFixture({});
    const missing = path.join(directory, "missing.yaml");
    await assert.rejects(loadConfig(missing), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.code, "NYLON_E_CONFIG_READ");
      assert.ok(error.message.includes(missing) && error.message.includes("ENOENT"), error.message);
      return true;
    });
  });
});
