import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { loadConfig } from "../../runtime/config/load.js";
import type { HttpService, PluginService, StaticService } from "../../runtime/config/schema.js";
import { writeFixture, yaml } from "./fixtures.js";

const everything = yaml(`
http: ["0.0.0.0:8088", "[::1]:8089"]
https: ["0.0.0.0:8443"]
metrics: ["127.0.0.1:6192"]
log: { level: debug, access_log: true }
shutdown: { grace_period_seconds: 3 }
trusted_proxies: [10.0.0.0/8, 192.168.1.1]
header_selector: x-route
request_body_limit_bytes: 2048
websocket:
  adapter_type: cluster
  redis: { host: localhost, port: 6379, password: null, tls: { ca: certs/ca.pem } }
  max_message_bytes: 4096
  slow_consumer: drop
tls:
  - type: custom
    cert: certs/site.crt
    key: certs/site.key
    chain: [certs/chain.pem]
    domains: [localhost]
plugins:
  - name: chat
    type: wasm
    file: plugins/chat.wasm
    config: { debug: true }
    limits: { memory_mb: 32 }
    allowed_outbound_hosts: ["https://idp.example.com", "http://10.0.0.7:*"]
    store: { namespace: shared, max_keys: 500 }
store: { backend: redis, timeout_ms: 250 }
services:
  - name: app
    service_type: http
    algorithm: weighted
    endpoints:
      - { ip: 127.0.0.1, port: 3001, weight: 3 }
      - { ip: backend.internal, port: 3002 }
    health_check: { path: /health, interval: 500ms, timeout: 1m, host: app.internal, headers: { x-route: app }, expected_statuses: [204, "200-299"] }
  - name: ws
    service_type: plugin
    plugin: { name: chat, entry: ws, payload: { room: "\${param(room, lobby)}" } }
  - name: site
    service_type: static
    static: { root: ./www, spa: true }
middleware_groups:
  security:
    - plugin: RequestHeaderModifier
      payload: { set: [{ name: x-request-id, value: "\${uuid(v7)}" }], remove: [x-version] }
routes:
  - name: main
    route: { type: host, value: "localhost|127.0.0.1" }
    tls: { enabled: true, redirect: "\${host}" }
    middleware: [{ group: security }]
    paths:
      - path: [/, "/{*path}"]
        service: { name: site }
      - path: /api/{*rest}
        methods: [get, POST]
        middleware:
          - { plugin: chat, entry: audit, payload: { ip: "\${client_ip}" } }
        service: { name: app }
      - path: /chat/{room}
        service: { name: ws, websocket: { max_message_bytes: 1024 } }
  - name: beta
    route: { type: header, value: beta }
    paths: [{ path: /, service: { name: app } }]
`);

describe("valid configurations", () => {
  it("loads a single file holding every key", async () => {
    const directory = await writeFixture({ "nylon.yaml": everything });
    const { config, files } = await loadConfig(path.join(directory, "nylon.yaml"));
    assert.deepEqual(files, [path.join(directory, "nylon.yaml")]);
    assert.deepEqual(config.http, ["0.0.0.0:8088", "[::1]:8089"]);
    assert.equal(config.log.level, "debug");
    assert.equal(config.header_selector, "x-route");
    assert.equal(config.websocket.adapter_type, "redis", "cluster is an alias of redis");
    assert.equal(config.websocket.max_message_bytes, 4096);
    assert.equal(config.websocket.ping_interval_ms, 20_000);
    assert.equal(config.websocket.redis?.key_prefix, "nylon:ws");
    assert.deepEqual(config.plugins[0]?.limits, {
      memory_mb: 32,
      deadline_ms: 100,
      max_send_bytes: 8_388_608,
      pending_timeout_ms: 10_000,
      max_pending_ops: 1000,
      outbound_timeout_ms: 10_000,
      max_outbound_response_bytes: 1_048_576,
    });
    assert.deepEqual(config.plugins[0]?.allowed_outbound_hosts, ["https://idp.example.com", "http://10.0.0.7:*"]);
    assert.deepEqual(config.plugins[0]?.store, { namespace: "shared", max_keys: 500, max_key_bytes: 512, max_value_bytes: 65_536 });
    assert.deepEqual(config.store, { backend: "redis", key_prefix: "nylon:kv", timeout_ms: 250 });
    assert.equal(config.plugins[0]?.isolation, "inline", "plugins run inline unless configured otherwise");
    const app = config.services[0] as HttpService;
    assert.equal(app.endpoints[1]?.weight, 1);
    assert.deepEqual(app.health_check, {
      enabled: true,
      path: "/health",
      interval: 500,
      timeout: 60_000,
      healthy_threshold: 2,
      unhealthy_threshold: 3,
      host: "app.internal",
      headers: { "x-route": "app" },
      expected_statuses: [{ from: 204, to: 204 }, { from: 200, to: 299 }],
    });
    assert.deepEqual((config.services[1] as PluginService).plugin.payload, { room: "${param(room, lobby)}" });
    assert.deepEqual(config.routes[0]?.paths[1]?.methods, ["GET", "POST"]);
    assert.deepEqual(config.routes[0]?.paths[2]?.service.websocket, { max_message_bytes: 1024 });
    assert.equal(config.routes[1]?.route.type, "header");
  });

  it("returns file paths resolved against the declaring file's directory", async () => {
    const directory = await writeFixture({ "nylon.yaml": everything });
    const { config } = await loadConfig(path.join(directory, "nylon.yaml"));
    assert.equal(config.plugins[0]?.file, path.join(directory, "plugins/chat.wasm"));
    assert.equal((config.services[2] as StaticService).static.root, path.join(directory, "www"));
    assert.deepEqual(config.tls[0], {
      type: "custom",
      cert: path.join(directory, "certs/site.crt"),
      key: path.join(directory, "certs/site.key"),
      chain: [path.join(directory, "certs/chain.pem")],
      domains: ["localhost"],
    });
    const redisTls = config.websocket.redis?.tls;
    assert.equal(typeof redisTls === "object" ? redisTls.ca : undefined, path.join(directory, "certs/ca.pem"));
  });

  it("fills in every default", async () => {
    const directory = await writeFixture({
      "nylon.yaml": "services:\n  - name: web\n    service_type: http\n    endpoints: [{ ip: 127.0.0.1, port: 80 }]\n    health_check: {}\n  - name: s\n    service_type: static\n    static: { root: . }\n",
    });
    const { config } = await loadConfig(path.join(directory, "nylon.yaml"));
    assert.deepEqual(config.http, []);
    assert.deepEqual(config.log, { level: "info", access_log: false });
    assert.deepEqual(config.shutdown, { grace_period_seconds: 10 });
    assert.deepEqual(config.trusted_proxies, []);
    assert.equal(config.header_selector, "x-nylon-proxy");
    assert.equal(config.request_body_limit_bytes, 10_485_760);
    assert.equal(config.config_dir, undefined);
    assert.deepEqual(config.websocket, {
      adapter_type: "memory",
      max_message_bytes: 1_048_576,
      max_fragments: 16_384,
      max_buffered_chunks: 262_144,
      ping_interval_ms: 20_000,
      pong_timeout_ms: 10_000,
      idle_timeout_ms: 0,
      per_message_deflate: false,
      send_buffer_bytes: 1_048_576,
      slow_consumer: "close-1013",
      reload_drain_ms: 3_600_000,
    });
    const web = config.services[0] as HttpService;
    assert.equal(web.algorithm, "round_robin");
    assert.equal(web.timeout_ms, 30_000);
    assert.equal(web.connect_timeout_ms, 5000);
    assert.deepEqual(web.health_check, {
      enabled: true,
      path: "/",
      interval: 10_000,
      timeout: 5000,
      healthy_threshold: 2,
      unhealthy_threshold: 3,
      headers: {},
      expected_statuses: [{ from: 200, to: 399 }],
    });
    assert.deepEqual((config.services[1] as StaticService).static, { root: directory, index: "index.html", spa: false, dotfiles: "deny" });
  });

  it("accepts YAML anchors and merge keys", async () => {
    const directory = await writeFixture({
      "nylon.yaml": yaml(`
services:
  - &http
    name: a
    service_type: http
    algorithm: random
    endpoints: [{ ip: 127.0.0.1, port: 1 }]
  - <<: *http
    name: b
`),
    });
    const { config } = await loadConfig(path.join(directory, "nylon.yaml"));
    assert.deepEqual(config.services.map((service) => [service.name, (service as HttpService).algorithm]), [["a", "random"], ["b", "random"]]);
  });

  it("accepts an empty file", async () => {
    const directory = await writeFixture({ "nylon.yaml": "" });
    const { config } = await loadConfig(path.join(directory, "nylon.yaml"));
    assert.deepEqual(config.routes, []);
  });
});

describe("config_dir", () => {
  it("merges YAML files in file-name order: lists concatenated, header_selector last wins, groups by name", async () => {
    const directory = await writeFixture({
      "etc/nylon.yaml": "config_dir: ../proxy\nheader_selector: x-main\nservices:\n  - { name: main, service_type: static, static: { root: www } }\n",
      "proxy/20-b.yml": "header_selector: x-b\nmiddleware_groups: { b: [{ plugin: ResponseHeaderModifier, payload: { remove: [server] } }] }\nservices:\n  - { name: b, service_type: static, static: { root: www } }\n",
      "proxy/10-a.yaml": "header_selector: x-a\nmiddleware_groups: { a: [{ plugin: RequestHeaderModifier, payload: { remove: [cookie] } }] }\nservices:\n  - { name: a, service_type: static, static: { root: www } }\n",
      "proxy/30-c.yaml": "services:\n  - { name: c, service_type: static, static: { root: www } }\n",
      "proxy/notes.txt": "not yaml: [",
      "proxy/nested/ignored.yaml": "services: [oops]",
    });
    const { config, files } = await loadConfig(path.join(directory, "etc/nylon.yaml"));
    assert.deepEqual(files.map((file) => path.relative(directory, file)), ["etc/nylon.yaml", "proxy/10-a.yaml", "proxy/20-b.yml", "proxy/30-c.yaml"]);
    assert.deepEqual(config.services.map((service) => service.name), ["main", "a", "b", "c"]);
    assert.equal(config.header_selector, "x-b", "the last file that sets it wins; 30-c does not set it");
    assert.deepEqual(Object.keys(config.middleware_groups), ["a", "b"]);
    assert.equal(config.config_dir, path.join(directory, "proxy"));
    // Paths in config_dir files are relative to those files.
    assert.equal((config.services[1] as StaticService).static.root, path.join(directory, "proxy/www"));
    assert.equal((config.services[0] as StaticService).static.root, path.join(directory, "etc/www"));
  });

  it("resolves references across files", async () => {
    const directory = await writeFixture({
      "nylon.yaml": "config_dir: conf.d\nroutes:\n  - name: r\n    route: { type: host, value: '*' }\n    paths: [{ path: /, service: { name: web }, middleware: [{ group: g }] }]\n",
      "conf.d/services.yaml": "services:\n  - { name: web, service_type: http, endpoints: [{ ip: 127.0.0.1, port: 80 }] }\nmiddleware_groups:\n  g: [{ plugin: p, entry: e }]\n",
      "conf.d/plugins.yaml": "plugins:\n  - { name: p, type: wasm, file: p.wasm }\n",
    });
    const { config } = await loadConfig(path.join(directory, "nylon.yaml"));
    assert.equal(config.plugins[0]?.file, path.join(directory, "conf.d/p.wasm"));
  });

  it("does not load the main file twice when it lives in config_dir", async () => {
    const directory = await writeFixture({ "nylon.yaml": "config_dir: .\nservices:\n  - { name: s, service_type: static, static: { root: . } }\n" });
    const { files } = await loadConfig(path.join(directory, "nylon.yaml"));
    assert.deepEqual(files, [path.join(directory, "nylon.yaml")]);
  });
});
