// Configurations that used to start and then fail every request (or flood, or spin) are refused at load,
// each problem at its key: header modifier payloads, times outside their range, listeners that collide,
// routes the router cannot build. A misspelt key next to a missing one is reported at the misspelt key.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expectIssue, loadError, writeFixture, yaml } from "./fixtures.js";

const web = yaml(`
http: ["127.0.0.1:8080"]
services:
  - name: web
    service_type: http
    endpoints: [{ ip: 127.0.0.1, port: 3000 }]
`);

/** A route on "*" to web whose route-level middleware is `items` (YAML flow list). */
function withMiddleware(items: string): string {
  return `${web}routes:\n  - name: r\n    route: { type: host, value: "*" }\n    middleware: ${items}\n    paths: [{ path: /, service: { name: web } }]\n`;
}

describe("built-in header modifier payloads are checked at load", () => {
  const cases: [string, string, RegExp][] = [
    ["{ plugin: RequestHeaderModifier, payload: { sett: [] } }", "routes[0].middleware[0].payload.sett", /unknown key "sett" \(did you mean "set"\?\)/],
    ["{ plugin: RequestHeaderModifier, payload: null }", "routes[0].middleware[0].payload", /RequestHeaderModifier needs a payload: \{set: \[\{name, value\}\], remove: \[names\]\}/],
    ["{ plugin: ResponseHeaderModifier }", "routes[0].middleware[0].payload", /ResponseHeaderModifier needs a payload/],
    ["{ plugin: RequestHeaderModifier, payload: { set: { name: a, value: b } } }", "routes[0].middleware[0].payload.set", /expected a list, got a mapping/],
    ["{ plugin: RequestHeaderModifier, payload: { set: [{ name: a, value: 1 }] } }", "routes[0].middleware[0].payload.set[0].value", /expected string, got number 1/],
    ["{ plugin: RequestHeaderModifier, payload: { set: [{ name: \"bad name\", value: x }] } }", "routes[0].middleware[0].payload.set[0].name", /cannot set "bad name": header name "bad name" has invalid characters/],
    ["{ plugin: ResponseHeaderModifier, payload: { set: [{ name: Content-Length, value: \"1\" }] } }", "routes[0].middleware[0].payload.set[0].name", /cannot set Content-Length on a response: the proxy computes it/],
    ["{ plugin: RequestHeaderModifier, payload: { remove: [\"x y\"] } }", "routes[0].middleware[0].payload.remove[0]", /cannot remove "x y"/],
    ["{ plugin: RequestHeaderModifier, payload: [] }", "routes[0].middleware[0].payload", /expected a mapping, got a list/],
  ];
  for (const [item, key, message] of cases) {
    it(`${item} -> ${key}`, async () => {
      await expectIssue({ "nylon.yaml": withMiddleware(`[${item}]`) }, { line: 9, path: key, message });
    });
  }

  it("leaves templated names and values to be checked once rendered", async () => {
    const error = await loadError(await writeFixture({
      "nylon.yaml": withMiddleware('[{ plugin: RequestHeaderModifier, payload: { set: [{ name: "${header(x-name)}", value: "${header(x-value)}" }] } }, { plugin: nope, entry: e }]'),
    }));
    assert.deepEqual(error.issues.map((issue) => issue.path), ["routes[0].middleware[1].plugin"], error.message);
  });
});

describe("every time has a range", () => {
  const cases: [string, string, RegExp][] = [
    ["services:\n  - { name: s, service_type: http, endpoints: [{ ip: 127.0.0.1, port: 1 }], timeout_ms: 2147483648 }\n", "services[0].timeout_ms", /must be from 1 to 2147483647 \(2\^31 - 1 ms/],
    ["services:\n  - { name: s, service_type: http, endpoints: [{ ip: 127.0.0.1, port: 1 }], health_check: { interval: 0s } }\n", "services[0].health_check.interval", /must be from 100ms to 24h/],
    ["services:\n  - { name: s, service_type: http, endpoints: [{ ip: 127.0.0.1, port: 1 }], health_check: { interval: 999999999h } }\n", "services[0].health_check.interval", /must be from 100ms to 24h/],
    ["services:\n  - { name: s, service_type: http, endpoints: [{ ip: 127.0.0.1, port: 1 }], health_check: { timeout: 2h } }\n", "services[0].health_check.timeout", /must be from 1ms to 1h/],
    ["shutdown: { grace_period_seconds: 1e12 }\n", "shutdown.grace_period_seconds", /must be from 0 to 86400/],
    ["websocket: { ping_interval_ms: 3000000000 }\n", "websocket.ping_interval_ms", /must be from 0 to 2147483647/],
    ["plugins:\n  - { name: p, type: wasm, file: p.wasm, limits: { deadline_ms: 60000 } }\n", "plugins[0].limits.deadline_ms", /must be from 1 to 10000/],
    ["plugins:\n  - { name: p, type: wasm, file: p.wasm, limits: { memory_mb: 5000 } }\n", "plugins[0].limits.memory_mb", /must be at most 4096 \(4 GiB/],
    ["services:\n  - { name: s, service_type: http, endpoints: [{ ip: 127.0.0.1, port: 1, weight: 1000000 }] }\n", "services[0].endpoints[0].weight", /at most 1000/],
    ["services:\n  - { name: s, service_type: http, endpoints: [{ ip: 127.0.0.1, port: 1, weight: 0 }] }\n", "services[0].endpoints", /every endpoint has weight 0/],
  ];
  for (const [text, key, message] of cases) {
    it(key, async () => {
      await expectIssue({ "nylon.yaml": `http: ["127.0.0.1:8080"]\n${text}` }, { line: text.split("\n").length === 2 ? 2 : 3, path: key, message });
    });
  }
});

describe("listeners and certificate domains", () => {
  const cases: [string, number, string, RegExp][] = [
    ['http: ["256.1.1.1:80"]\n', 1, "http[0]", /bad listener address/],
    ['http: ["127.0.0.1:8080", "127.0.0.1:8080"]\n', 1, "http[1]", /127\.0\.0\.1:8080 is listed twice \(first as http\[0\] at .*nylon\.yaml:1:8\)/],
    ['http: ["127.0.0.1:8080", "0.0.0.0:8080"]\n', 1, "http[1]", /0\.0\.0\.0:8080 overlaps 127\.0\.0\.1:8080 \(http\[0\] at .*nylon\.yaml:1:8\): both cannot listen on port 8080/],
    ['http: ["[::]:8080"]\nmetrics: ["127.0.0.1:8080"]\n', 2, "metrics[0]", /overlaps \[::\]:8080/],
    ['http: ["[::1]:8080", "127.0.0.1:8080"]\nhttps: ["127.0.0.1:8443"]\n', 2, "https[0]", /an https listener needs a certificate: add one under tls/],
    ['http: ["127.0.0.1:8080"]\ntls: [{ type: custom, cert: a, key: b, domains: ["bad domain"] }]\n', 2, "tls[0].domains[0]", /expected a domain name \(example\.com\), a wildcard/],
  ];
  for (const [text, line, key, message] of cases) {
    it(`${key}: ${text.split("\n")[0]}`, async () => {
      await expectIssue({ "nylon.yaml": text }, { line, path: key, message });
    });
  }

  it("accepts the same port on two specific addresses", async () => {
    const error = await loadError(await writeFixture({ "nylon.yaml": 'http: ["127.0.0.1:8080", "[::1]:8080"]\nlogg: 1\n' }));
    assert.deepEqual(error.issues.map((issue) => issue.path), ["logg"]);
  });
});

describe("other values that could never work", () => {
  it("a header_selector that is not a header name, a Redis url that is not a redis:// URL", async () => {
    await expectIssue({ "nylon.yaml": 'http: ["127.0.0.1:8080"]\nheader_selector: "x route"\n' }, { line: 2, path: "header_selector", message: /expected a header name/ });
    await expectIssue({ "nylon.yaml": 'http: ["127.0.0.1:8080"]\nwebsocket: { adapter_type: redis, redis: { url: "localhost:6379" } }\n' },
      { line: 2, path: "websocket.redis.url", message: /expected a redis:\/\/ or rediss:\/\/ URL/ });
  });
});

describe("routes the router cannot build are refused at load, at the path", () => {
  const route = (paths: string, value = '"*"') => `${web}routes:\n  - name: r\n    route: { type: host, value: ${value} }\n    paths:\n${paths}`;
  const cases: [string, string, number, string, RegExp][] = [
    ["an unclosed parameter", route('      - { path: "/{*", service: { name: web } }\n'), 10, "routes[0].paths[0].path", /route r: path \/\{\*: a parameter must be a whole segment/],
    ["a parameter named twice", route('      - { path: ["/ok", "/a/{b}/{b}"], service: { name: web } }\n'), 10, "routes[0].paths[0].path[1]", /parameter \{b\} appears twice/],
    ["a path declared twice", route("      - { path: /x, service: { name: web } }\n      - { path: /x, service: { name: web } }\n"), 11, "routes[0].paths[1].path", /path \/x is declared twice/],
    ["a method listed twice", route("      - { path: /x, methods: [GET, get], service: { name: web } }\n"), 10, "routes[0].paths[0].path", /declared twice for method GET/],
  ];
  for (const [title, text, line, key, message] of cases) {
    it(title, async () => {
      await expectIssue({ "nylon.yaml": text }, { line, path: key, message });
    });
  }

  it("host values that can never match a request", async () => {
    const text = (value: string) => route("      - { path: /, service: { name: web } }\n", value);
    await expectIssue({ "nylon.yaml": text('"*.example.com"') }, { line: 8, path: "routes[0].route.value", message: /host wildcards such as "\*\.example\.com" are not supported/ });
    await expectIssue({ "nylon.yaml": text('"a.com|bad host"') }, { line: 8, path: "routes[0].route.value", message: /"bad host" is not a host name or IP address/ });
    await expectIssue({ "nylon.yaml": text('" | "') }, { line: 8, path: "routes[0].route.value", message: /names no host/ });
    const accepted = await loadError(await writeFixture({ "nylon.yaml": `${text('"a.com:8080|[::1]:80|127.0.0.1|*"')}logg: 1\n` }));
    assert.deepEqual(accepted.issues.map((issue) => issue.path), ["logg"]);
  });

  it("two routes claiming one host, or the default host", async () => {
    const text = `${web}routes:
  - { name: a, route: { type: host, value: "*|example.com" }, paths: [{ path: /, service: { name: web } }] }
  - { name: b, route: { type: host, value: "*" }, paths: [{ path: /, service: { name: web } }] }
  - { name: c, route: { type: host, value: "Example.COM" }, paths: [{ path: /, service: { name: web } }] }
  - { name: d, route: { type: header, value: beta }, paths: [{ path: /, service: { name: web } }] }
  - { name: e, route: { type: header, value: beta }, paths: [{ path: /, service: { name: web } }] }
`;
    const error = await loadError(await writeFixture({ "nylon.yaml": text }));
    assert.deepEqual(error.issues.map((issue) => `${issue.line} ${issue.path}: ${issue.message}`), [
      '8 routes[1].route.value: routes a and b both claim the default host "*"',
      "9 routes[2].route.value: routes a and c both claim host Example.COM",
      '11 routes[4].route.value: routes d and e both claim header value "beta"',
    ]);
  });
});

describe("a misspelt key next to a missing required key", () => {
  it("is reported once, at the misspelt key, for a plain required key", async () => {
    const text = `${web}routes:\n  - name: r\n    route: { type: host, value: "*" }\n    paths:\n      - path: /\n        servce: { name: web }\n`;
    const error = await loadError(await writeFixture({ "nylon.yaml": text }));
    assert.deepEqual(error.issues.map((issue) => `${issue.line}:${issue.column} ${issue.path}: ${issue.message}`), [
      '11:9 routes[0].paths[0].servce: unknown key "servce" (did you mean "service"?)',
    ]);
  });

  it("is reported at the misspelt key for a service_type, on the line before the next key", async () => {
    const text = 'http: ["127.0.0.1:8080"]\nservices:\n  - name: web\n    service_typ: http\n    endpoints: [{ ip: 127.0.0.1, port: 3000 }]\n';
    const error = await loadError(await writeFixture({ "nylon.yaml": text }));
    assert.deepEqual(error.issues.map((issue) => `${issue.line}:${issue.column} ${issue.path}: ${issue.message}`), [
      '4:5 services[0].service_typ: unknown key "service_typ" (did you mean "service_type"?)',
    ]);
  });

  it("still reports a missing key when nothing near it looks like a typo", async () => {
    await expectIssue({ "nylon.yaml": 'http: ["127.0.0.1:8080"]\nservices:\n  - name: web\n    endpoints: []\n' },
      { line: 3, path: "services[0].service_type", message: /missing required key "service_type"/ });
  });
});
