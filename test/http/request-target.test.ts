import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isValidAuthority, normalizePath, parseRequestTarget, separatorReading, type RequestTarget } from "../../runtime/http/request-target.js";

function refused(value: unknown): boolean {
  return typeof value === "object" && value !== null && "error" in value;
}

describe("request target: path normalisation (RFC 3986 §5.2.4, §6.2.2)", () => {
  it("removes dot segments, literal or percent-encoded in any case", () => {
    const cases: [string, string][] = [
      ["/api/../internal/x", "/internal/x"],
      ["/api/%2e%2e/internal/x", "/internal/x"],
      ["/api/%2E%2e/internal/x", "/internal/x"],
      ["/api/.%2E/internal/x", "/internal/x"],
      ["/api/%2e/x", "/api/x"],
      ["/a/b/../../c", "/c"],
      ["/..", "/"],
      ["/../../x", "/x"],
      ["/a/.", "/a/"],
      ["/a/b/..", "/a/"],
      ["/a/./b/./", "/a/b/"],
      ["/a/b/c/./../../g", "/a/g"],
      ["/.well-known/x", "/.well-known/x"],
      ["/a/.hidden", "/a/.hidden"],
      ["/a/...", "/a/..."],
    ];
    for (const [path, expected] of cases) assert.equal(normalizePath(path), expected, path);
  });

  it("merges empty segments, keeping a trailing slash", () => {
    const cases: [string, string][] = [
      ["//admin/panel", "/admin/panel"],
      ["/a//b///c", "/a/b/c"],
      ["/a/", "/a/"],
      ["/a//", "/a/"],
      ["//", "/"],
      ["/", "/"],
    ];
    for (const [path, expected] of cases) assert.equal(normalizePath(path), expected, path);
  });

  it("decodes escapes of unreserved characters only, and upper-cases the others' hex digits", () => {
    const cases: [string, string][] = [
      ["/%61dmin/panel", "/admin/panel"],
      ["/%41%5a%30%2D%5F%7E", "/AZ0-_~"],
      ["/caf%c3%a9", "/caf%C3%A9"],
      ["/a%20b", "/a%20b"],
      ["/a%2fb", "/a%2Fb"],
      ["/a%3Fb%23c", "/a%3Fb%23c"],
      ["/%252e%252e/x", "/%252e%252e/x"],
      ["/%25", "/%25"],
    ];
    for (const [path, expected] of cases) assert.equal(normalizePath(path), expected, path);
  });

  it("keeps %2F and %5C as data, but refuses a segment they (or ';') would turn into a dot segment", () => {
    for (const kept of ["/api/x%2Fy", "/api/group%2Fproject/files", "/a/%5Cb", "/admin;jsessionid=1/panel", "/a;b/c", "/a/b.;c"]) {
      assert.equal(typeof normalizePath(kept), "string", kept);
    }
    for (const hidden of [
      "/api/..%2finternal/x",
      "/api/..%2Finternal/x",
      "/api/%2e%2e%2finternal",
      "/api/x%2F..%2F..%2Finternal",
      "/api/%2f..",
      "/api/..%5cinternal",
      "/api/%5C..%5Cinternal",
      "/api/..;/internal",
      "/api/..;x=1/internal",
      "/api/.;/x",
      "/api/%2e%2e;/internal",
    ]) {
      assert.ok(refused(normalizePath(hidden)), `${hidden} must be refused`);
    }
  });

  it("refuses malformed escapes, raw backslashes, '#', control characters and non-ASCII", () => {
    for (const bad of ["/%", "/%4", "/%zz/x", "/a%g1", "/a\\b", "/..\\admin", "/a#b", "/a b", "/a\tb", "/a\x00b", "/caf\u00e9", "/\u2028"]) {
      assert.ok(refused(normalizePath(bad)), JSON.stringify(bad));
    }
  });

  it("returns the same string for paths that need nothing", () => {
    for (const path of ["/", "/api/users/42", "/style.css", "/a-b_c~d/e.f", "/x:y@z!$&'()*+,="]) assert.equal(normalizePath(path), path);
  });
});

describe("request target: forms (RFC 9112 §3.2)", () => {
  const ok = (method: string, raw: string): RequestTarget => {
    const result = parseRequestTarget(method, raw);
    assert.ok(!refused(result), `${raw}: ${JSON.stringify(result)}`);
    return result as RequestTarget;
  };

  it("origin-form keeps its query as received", () => {
    const t = ok("GET", "/a/../b?x=%2e%2e&y=/../");
    assert.deepEqual([t.target, t.path, t.search, t.authority, t.asterisk], ["/b?x=%2e%2e&y=/../", "/b", "?x=%2e%2e&y=/../", null, false]);
    const plain = "/api/users?id=1";
    assert.equal(ok("GET", plain).target, plain);
  });

  it("absolute-form gives its authority and an origin-form target", () => {
    const cases: [string, string, string][] = [
      ["http://a/x?y=1", "a", "/x?y=1"],
      ["HTTP://A:8080/x", "A:8080", "/x"],
      ["https://[::1]:443/", "[::1]:443", "/"],
      ["http://a", "a", "/"],
      ["http://a?q", "a", "/?q"],
      ["http://a/%61/../b", "a", "/b"],
    ];
    for (const [raw, authority, target] of cases) {
      const t = ok("GET", raw);
      assert.equal(t.authority, authority, raw);
      assert.equal(t.target, target, raw);
    }
  });

  it("asterisk-form is for OPTIONS only", () => {
    assert.equal(ok("OPTIONS", "*").asterisk, true);
    assert.ok(refused(parseRequestTarget("GET", "*")));
  });

  it("refuses other forms, user information, bad authorities and dirty queries", () => {
    for (const raw of ["a/b", "ftp://a/", "http:/a/", "http://u@a/", "http://u:p@a/x", "http://[::1/", "http://a:b/", "/x?y#z", "/x?\u00e9", "*x", ""]) {
      assert.ok(refused(parseRequestTarget("GET", raw)), JSON.stringify(raw));
    }
  });
});

describe("request target: authorities (Host)", () => {
  it("accepts host[:port] as RFC 3986 spells it, and nothing else", () => {
    for (const good of ["a", "a:80", "a.example", "A-B_c~d.e", "[::1]", "[::1]:8080", "127.0.0.1:1", "", "a:", "xn--bcher-kva.example"]) {
      assert.ok(isValidAuthority(good), good);
    }
    for (const bad of ["[::1", "::1]", "a b", "a:b", "a:80:90", "a/b", "a@b", "[::1]x", "a\\b", "a?b"]) {
      assert.ok(!isValidAuthority(bad), bad);
    }
  });
});

describe("request target: the separator reading", () => {
  it("is how a server splitting on %2F/%5C and cutting ';' parameters reads the path; null when it reads the same", () => {
    const cases: [string, string | null][] = [
      ["/admin%2Fpanel", "/admin/panel"],
      ["/admin%5Cpanel", "/admin/panel"],
      ["/admin;jsessionid=x/panel", "/admin/panel"],
      ["/a;x", "/a"],
      ["/api/group%2Fproject", "/api/group/project"],
      ["/api/users", null],
      ["/a%20b", null],
    ];
    for (const [path, reading] of cases) assert.equal(separatorReading(path), reading, path);
  });
});
