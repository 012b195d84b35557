import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NylonError } from "../../runtime/errors.js";
import { normalizeHost, Router, type RouteInput, type RouteMatch, type RouterInput } from "../../runtime/http/router.js";

const svc = (name: string) => ({ name });

function router(config: Partial<RouterInput> & { routes: RouteInput[] }): Router {
  return new Router(config);
}

function match(r: Router, method: string, path: string, host = "app.test", headers: Record<string, string> = {}): RouteMatch {
  const result = r.match({ method, path, host, headers });
  assert.equal(result.kind, "match", `${method} ${path} should match: ${result.kind === "miss" ? result.error.message : ""}`);
  return result as RouteMatch;
}

function miss(r: Router, method: string, path: string, host = "app.test", headers: Record<string, string> = {}) {
  const result = r.match({ method, path, host, headers });
  assert.equal(result.kind, "miss", `${method} ${path} should not match`);
  return result as Extract<typeof result, { kind: "miss" }>;
}

function buildError(config: Partial<RouterInput> & { routes: RouteInput[] }): NylonError {
  try {
    router(config);
  } catch (error) {
    assert.ok(error instanceof NylonError);
    assert.equal(error.code, "NYLON_E_CONFIG");
    return error;
  }
  assert.fail("expected a build error");
}

const precedencePaths: RouteInput["paths"] = [
  { path: "/users/{*rest}", service: svc("catch") },
  { path: "/users/{id}", service: svc("param") },
  { path: "/users/me", service: svc("static") },
  { path: "/users/{id}/posts/{post}", service: svc("post") },
  { path: ["/", "/{*path}"], service: svc("root") },
];

describe("router: paths", () => {
  const app = router({ routes: [{ name: "app", route: { type: "host", value: "app.test" }, paths: precedencePaths }] });

  it("prefers literal over parameter over catch-all, whatever the declaration order", () => {
    assert.equal(match(app, "GET", "/users/me").pathEntry.service.name, "static");
    assert.equal(match(app, "GET", "/users/42").pathEntry.service.name, "param");
    assert.deepEqual(match(app, "GET", "/users/42").params, { id: "42" });
    assert.equal(match(app, "GET", "/users/42/x").pathEntry.service.name, "catch");
    assert.deepEqual(match(app, "GET", "/users/42/x").params, { rest: "42/x" });
    assert.deepEqual(match(app, "GET", "/users/7/posts/9").params, { id: "7", post: "9" });
    assert.equal(match(app, "GET", "/").pathEntry.service.name, "root");
    assert.equal(match(app, "GET", "/").pattern, "/");
    assert.equal(match(app, "GET", "/elsewhere/deep").pattern, "/{*path}");
  });

  it("backtracks when a more specific branch dead-ends", () => {
    const r = router({
      routes: [
        {
          name: "bt",
          route: { type: "host", value: "app.test" },
          paths: [
            { path: "/a/b/{y}", service: svc("literal-first") },
            { path: "/a/{x}/c", service: svc("param-then-literal") },
          ],
        },
      ],
    });
    assert.equal(match(r, "GET", "/a/b/c").pathEntry.service.name, "literal-first");
    assert.equal(match(r, "GET", "/a/z/c").pathEntry.service.name, "param-then-literal");
    assert.deepEqual(match(r, "GET", "/a/z/c").params, { x: "z" });
  });

  it("decodes params and ignores the query string", () => {
    assert.deepEqual(match(app, "GET", "/users/a%20b?x=1").params, { id: "a b" });
    assert.deepEqual(match(app, "GET", "/users/caf%C3%A9").params, { id: "café" });
  });

  it("a parameter never matches an empty segment; the catch-all matches the empty remainder", () => {
    const r = match(app, "GET", "/users/");
    assert.equal(r.pathEntry.service.name, "catch");
    assert.deepEqual(r.params, { rest: "" });
    // `/users` (no slash) is not under /users/{*rest}; only the root catch-all takes it.
    assert.equal(match(app, "GET", "/users").pattern, "/{*path}");
  });

  it("answers 404 for an unmatched path and 400 for broken percent-encoding", () => {
    const r = router({ routes: [{ name: "only", route: { type: "host", value: "app.test" }, paths: [{ path: "/x", service: svc("x") }] }] });
    const notFound = miss(r, "GET", "/y");
    assert.equal(notFound.error.code, "NYLON_E_ROUTE_NOT_FOUND");
    assert.equal(notFound.error.status, 404);
    const bad = miss(app, "GET", "/users/%zz");
    assert.equal(bad.error.status, 400);
  });
});

describe("router: methods", () => {
  const r = router({
    routes: [
      {
        name: "api",
        route: { type: "host", value: "app.test" },
        paths: [
          { path: "/items", methods: ["GET"], service: svc("list") },
          { path: "/items", methods: ["post"], service: svc("create") },
          { path: "/only-get", methods: ["GET"], service: svc("g") },
          { path: "/a/{x}", methods: ["GET"], service: svc("param-get") },
          { path: "/a/{*rest}", methods: ["POST"], service: svc("catch-post") },
          { path: "/any", service: svc("any") },
        ],
      },
    ],
  });

  it("selects the entry by method, lower-case config methods included", () => {
    assert.equal(match(r, "GET", "/items").pathEntry.service.name, "list");
    assert.equal(match(r, "POST", "/items").pathEntry.service.name, "create");
  });

  it("answers 405 with the allowed methods", () => {
    const result = miss(r, "DELETE", "/items");
    assert.equal(result.error.code, "NYLON_E_METHOD_NOT_ALLOWED");
    assert.equal(result.error.status, 405);
    assert.deepEqual(result.allow, ["GET", "POST"]);
  });

  it("falls back to a less specific pattern that accepts the method", () => {
    assert.equal(match(r, "POST", "/a/b").pathEntry.service.name, "catch-post");
    assert.equal(match(r, "GET", "/a/b").pathEntry.service.name, "param-get");
    assert.deepEqual(miss(r, "PUT", "/a/b").allow, ["GET", "POST"]);
  });

  it("accepts every method when methods is absent", () => {
    for (const method of ["GET", "PATCH", "PROPFIND", "DELETE"]) assert.equal(match(r, method, "/any").pathEntry.service.name, "any");
  });

  it("needs TRACE listed: a path without methods answers it 405, with the implicit methods in Allow", () => {
    const refused = miss(r, "TRACE", "/any");
    assert.equal(refused.error.status, 405);
    assert.deepEqual(refused.allow, ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]);
    const traced = router({ routes: [{ name: "t", route: { type: "host", value: "*" }, paths: [{ path: "/t", methods: ["TRACE", "GET"], service: svc("t") }] }] });
    assert.equal(match(traced, "TRACE", "/t").pathEntry.service.name, "t");
    assert.deepEqual(traced.allowedMethods({ path: "/t", host: "x", headers: {} }), ["GET", "TRACE"]);
    assert.deepEqual(r.allowedMethods({ path: "/items", host: "app.test", headers: {} }), ["GET", "POST"]);
  });

  it("has no /GET path bypass (Nylon G14)", () => {
    assert.equal(miss(r, "POST", "/GET/only-get").error.status, 404);
    assert.equal(miss(r, "GET", "/GET/only-get").error.status, 404);
    assert.equal(miss(r, "POST", "/only-get").error.status, 405);
  });
});

describe("router: hosts and header selector", () => {
  const routes: RouteInput[] = [
    { name: "app", route: { type: "host", value: "app.test|API.test" }, paths: [{ path: "/{*p}", service: svc("app") }] },
    { name: "v6", route: { type: "host", value: "[::1]" }, paths: [{ path: "/{*p}", service: svc("v6") }] },
    { name: "fallback", route: { type: "host", value: "*" }, paths: [{ path: "/{*p}", service: svc("default") }] },
    { name: "canary", route: { type: "header", value: "canary" }, paths: [{ path: "/{*p}", service: svc("canary") }] },
  ];
  const r = router({ routes });

  it("matches hosts case-insensitively, without port, in a |-list, with IPv6 literals", () => {
    assert.equal(match(r, "GET", "/", "app.test").route.name, "app");
    assert.equal(match(r, "GET", "/", "APP.test:8080").route.name, "app");
    assert.equal(match(r, "GET", "/", "api.test").route.name, "app");
    assert.equal(match(r, "GET", "/", "[::1]:8080").route.name, "v6");
    assert.equal(match(r, "GET", "/", "[::1]").route.name, "v6");
  });

  it('uses the "*" route for unknown or missing hosts, and 404s without one', () => {
    assert.equal(match(r, "GET", "/", "other.test").route.name, "fallback");
    const result = r.match({ method: "GET", path: "/", host: undefined, headers: {} });
    assert.equal(result.kind === "match" && result.route.name, "fallback");
    const noDefault = router({ routes: routes.filter((x) => x.name !== "fallback") });
    assert.equal(miss(noDefault, "GET", "/", "other.test").error.code, "NYLON_E_ROUTE_NOT_FOUND");
  });

  it("selects by the header_selector header before the host, falling back to the host for unknown values", () => {
    assert.equal(match(r, "GET", "/", "app.test", { "x-nylon-proxy": "canary" }).route.name, "canary");
    assert.equal(match(r, "GET", "/", "app.test", { "x-nylon-proxy": "nope" }).route.name, "app");
    const custom = router({ routes, header_selector: "X-Route" });
    assert.equal(match(custom, "GET", "/", "app.test", { "x-route": "canary" }).route.name, "canary");
    assert.equal(match(custom, "GET", "/", "app.test", { "x-nylon-proxy": "canary" }).route.name, "app");
  });

  it("normalizes host names", () => {
    assert.equal(normalizeHost("Example.COM:443"), "example.com");
    assert.equal(normalizeHost("[2001:DB8::1]:80"), "2001:db8::1");
    assert.equal(normalizeHost("2001:db8::1"), "2001:db8::1");
    assert.equal(normalizeHost("example.com."), "example.com");
  });
});

describe("router: middleware and rewrite", () => {
  it("lists route-level then path-level middleware with groups expanded in place", () => {
    const a = { plugin: "a", entry: "x" };
    const b = { plugin: "b", entry: "x" };
    const c = { plugin: "c", entry: "x" };
    const d = { plugin: "d", entry: "x" };
    const r = router({
      middleware_groups: { sec: [b, c], outer: [{ group: "sec" }] },
      routes: [
        {
          name: "m",
          route: { type: "host", value: "app.test" },
          middleware: [a, { group: "outer" }],
          paths: [{ path: "/", middleware: [d], service: svc("s") }],
        },
      ],
    });
    assert.deepEqual(match(r, "GET", "/").middleware, [a, b, c, d]);
  });

  it("exposes the prefix rewrite of the matched pattern", () => {
    const r = router({
      routes: [{ name: "rw", route: { type: "host", value: "app.test" }, paths: [{ path: "/api/{*rest}", service: { name: "s", rewrite: "/v2" } }] }],
    });
    assert.deepEqual(match(r, "GET", "/api/users").rewrite, { literalSegments: 1, replacement: "/v2" });
  });
});

describe("router: build errors", () => {
  const host = { type: "host" as const, value: "app.test" };

  it("refuses the same pattern twice for one method", () => {
    const error = buildError({ routes: [{ name: "dup", route: host, paths: [{ path: "/x", service: svc("a") }, { path: "/x", service: svc("b") }] }] });
    assert.match(error.message, /route dup: path \/x is declared twice/);
    const byMethod = buildError({
      routes: [{ name: "dup", route: host, paths: [{ path: "/x", methods: ["GET"], service: svc("a") }, { path: ["/y", "/x"], methods: ["GET", "PUT"], service: svc("b") }] }],
    });
    assert.match(byMethod.message, /declared twice for method GET/);
  });

  it("refuses conflicting parameter names and a catch-all that is not last", () => {
    assert.match(
      buildError({ routes: [{ name: "p", route: host, paths: [{ path: "/u/{id}", service: svc("a") }, { path: "/u/{name}/x", service: svc("b") }] }] }).message,
      /\{name\} conflicts with \{id\}/,
    );
    assert.match(buildError({ routes: [{ name: "c", route: host, paths: [{ path: "/{*rest}/x", service: svc("a") }] }] }).message, /must be the last segment/);
    assert.match(buildError({ routes: [{ name: "s", route: host, paths: [{ path: "/file.{ext}", service: svc("a") }] }] }).message, /whole segment/);
  });

  it("refuses two routes claiming one host, unknown middleware groups", () => {
    assert.match(
      buildError({
        routes: [
          { name: "one", route: { type: "host", value: "a.test|b.test" }, paths: [{ path: "/", service: svc("a") }] },
          { name: "two", route: { type: "host", value: "B.test" }, paths: [{ path: "/", service: svc("a") }] },
        ],
      }).message,
      /routes one and two both claim host B.test/,
    );
    assert.match(
      buildError({ routes: [{ name: "g", route: host, middleware: [{ group: "missing" }], paths: [{ path: "/", service: svc("a") }] }] }).message,
      /unknown middleware group missing/,
    );
  });

  it("accepts one pattern split across methods", () => {
    router({ routes: [{ name: "ok", route: host, paths: [{ path: "/x", methods: ["GET"], service: svc("a") }, { path: "/x", methods: ["POST"], service: svc("b") }] }] });
  });
});

describe("router: targets another server would read differently", () => {
  const r = router({
    routes: [
      {
        name: "site",
        route: { type: "host", value: "*" },
        paths: [
          { path: "/admin/{*p}", service: svc("admin") },
          { path: "/api/{*rest}", service: svc("api") },
          { path: "/files/{name}", service: svc("files") },
          { path: ["/", "/{*path}"], service: svc("root") },
        ],
      },
    ],
  });
  const target = (path: string) => r.matchTarget({ method: "GET", path, host: "x", headers: {} });

  it("refuses with 400 a path whose %2F, %5C or ';' reading lands on another entry", () => {
    // /files/a%2Fb reads as /files/a/b, which is the catch-all's, not /files/{name}'s.
    for (const path of ["/admin%2Fpanel", "/admin%5Cpanel", "/admin;x=1/panel", "/admin;/panel", "/files/a%2Fb"]) {
      const result = target(path);
      if (result.kind === "match") assert.fail(`${path} matched ${result.pattern}`);
      assert.equal(result.error.status, 400, path);
    }
  });

  it("keeps a path whose other reading stays on the same entry, or matches nothing", () => {
    const cases: [string, string][] = [
      ["/api/group%2Fproject", "api"],
      ["/api/a;v=1/b", "api"],
      ["/plain%2Fpath", "root"],
    ];
    for (const [path, service] of cases) {
      const result = target(path);
      assert.equal(result.kind, "match", path);
      assert.equal((result as RouteMatch).pathEntry.service.name, service, path);
    }
    const noCatchAll = router({ routes: [{ name: "f", route: { type: "host", value: "*" }, paths: [{ path: "/files/{name}", service: svc("files") }] }] });
    const result = noCatchAll.matchTarget({ method: "GET", path: "/files/a%2Fb", host: "x", headers: {} });
    assert.equal(result.kind, "match", "a reading that matches nothing is no other route");
  });
});
