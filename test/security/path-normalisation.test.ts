// Dot segments and percent-encoding are normalised before routing (RFC 3986 §5.2.4, §6.2.2), and the
// normalised path is the one that goes upstream: a route exposing only /api/{*rest} cannot be used
// to reach /internal on a normalising upstream.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { STYLE_CSS, useEdgeProxy } from "../support/edge-proxy.js";
import { finals, rawExchange } from "../support/raw-http.js";

const edge = useEdgeProxy();

async function get(target: string, host = "a") {
  const before = edge.upstream.seen.length;
  const exchange = await rawExchange(edge.port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n\r\n`, { responses: 1 });
  const response = finals(exchange)[0]!;
  const seen = edge.upstream.seen.slice(before);
  assert.ok(seen.length <= 1);
  return { status: response.status, body: response.body.toString(), seen: seen[0] };
}

describe("path normalisation at the edge", () => {
  it("a route that exposes only /api/{*rest}: escapes through dot segments get nylon's 404 or 400, never the upstream", async () => {
    const escapes: [string, number][] = [
      ["/api/../internal/x", 404],
      ["/api/%2e%2e/internal/x", 404],
      ["/api/%2E%2E/internal/x", 404],
      ["/api/.%2e/internal/x", 404],
      ["/api/./../internal/x", 404],
      ["/api/a/../../internal/x", 404],
      ["/api/..%2finternal/x", 400],
      ["/api/..%2Finternal/x", 400],
      ["/api/%2e%2e%2finternal/x", 400],
      ["/api/..%5cinternal/x", 400],
      ["/api/..\\internal/x", 400],
      ["/api/..;/internal/x", 400],
      ["/api/%2e%2e;x/internal/x", 400],
      ["http://api.example/api/../internal/x", 404],
    ];
    for (const [target, status] of escapes) {
      const { status: got, seen } = await get(target, "api.example");
      assert.equal(got, status, target);
      assert.equal(seen, undefined, `${target} reached the upstream as ${seen?.url}`);
    }
  });

  it("forwards exactly the normalised path, with the route's middleware", async () => {
    const cases: [string, string][] = [
      ["/api/v1/../v2/users", "/api/v2/users"],
      ["/api/./users", "/api/users"],
      ["/api//users", "/api/users"],
      ["/api/%75sers", "/api/users"],
      ["/api/users/%2e", "/api/users/"],
      ["/api/caf%c3%a9?x=%2e%2e", "/api/caf%C3%A9?x=%2e%2e"],
      ["/api/a%2fb", "/api/a%2Fb"],
      ["/api/x/%252e%252e/y", "/api/x/%252e%252e/y"],
      ["/%61pi/users", "/api/users"],
      ["/other/../api/users", "/api/users"],
    ];
    for (const [target, forwarded] of cases) {
      const { status, seen } = await get(target, "api.example");
      assert.equal(status, 200, target);
      assert.equal(seen?.url, forwarded, target);
      assert.equal(seen?.headers["x-api-policy"], "applied", target);
    }
  });

  it("a path another server would split differently is refused when it would land on another route", async () => {
    for (const target of ["/admin%2Fpanel", "/admin%2fpanel", "/admin%5Cpanel", "/admin;jsessionid=1/panel", "/admin;/panel", "/static%2Fstyle.css", "/files/a%2Fb"]) {
      const host = target.startsWith("/files") ? "api.example" : "a";
      const { status, seen } = await get(target, host);
      // /files/a%2Fb has no other route on api.example: it stays; the rest would leave the catch-all.
      if (target.startsWith("/files")) {
        assert.equal(status, 200, target);
        assert.equal(seen?.url, "/files/a%2Fb");
        continue;
      }
      assert.equal(status, 400, target);
      assert.equal(seen, undefined, target);
    }
  });

  it("refuses targets RFC 3986 has no room for", async () => {
    for (const target of ["/a%zz", "/a%", "/a#frag", "/caf\u00e9", "/a?b#c"]) {
      const exchange = await rawExchange(edge.port, Buffer.from(`GET ${target} HTTP/1.1\r\nHost: a\r\n\r\n`, "latin1"));
      assert.equal(finals(exchange)[0]?.status, 400, `${target}: ${exchange.raw}`);
    }
  });

  it("the static route serves the normalised path; dot segments cannot climb out of it", async () => {
    assert.equal((await get("/static/x/../style.css")).body, STYLE_CSS);
    assert.equal((await get("/static/%2e/style.css")).body, STYLE_CSS);
    const out = await get("/static/../../../etc/passwd");
    assert.equal(out.seen?.url, "/etc/passwd", "climbing above the static prefix leaves it: the catch-all takes /etc/passwd");
    assert.doesNotMatch(out.body, /root:/);
  });
});
