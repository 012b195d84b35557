import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Readable } from "node:stream";
import { normalizePath } from "../../runtime/http/request-target.js";
import { StaticSite } from "../../runtime/http/static-service.js";
import { startProxyHarness, type ProxyHarness } from "./proxy-harness.js";

let dir: string;
let plain: ProxyHarness;
let spa: ProxyHarness;
let dotfiles: ProxyHarness;
const big = Buffer.from(Array.from({ length: 1000 }, (_, i) => String.fromCharCode(65 + (i % 26))).join(""));
/** Every byte value, so a multipart body that is off by one byte or re-encoded shows. */
const binary = Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 7) % 256));

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "nylon-static-"));
  const root = join(dir, "site");
  await mkdir(join(root, "sub"), { recursive: true });
  await writeFile(join(root, "index.html"), "<h1>home</h1>");
  await writeFile(join(root, "app.js"), "console.log(1)");
  await writeFile(join(root, "style.css"), "body{}");
  await writeFile(join(root, "data.json"), "{}");
  await writeFile(join(root, "blob.unknownext"), "?");
  await writeFile(join(root, "big.txt"), big);
  await writeFile(join(root, "bin.dat"), binary);
  await writeFile(join(root, "sub", "index.html"), "<h1>sub</h1>");
  await mkdir(join(root, ".git"));
  await mkdir(join(root, "a"));
  await mkdir(join(root, ".well-known"));
  await writeFile(join(root, ".env"), "SECRET=1");
  await writeFile(join(root, ".git", "config"), "[core]");
  await writeFile(join(root, "a", ".htpasswd"), "admin:x");
  await writeFile(join(root, ".well-known", "x"), "acme token");
  await writeFile(join(root, ".well-known", ".hidden"), "still hidden");
  await writeFile(join(dir, "secret.txt"), "TOP SECRET");
  await symlink(join(dir, "secret.txt"), join(root, "leak.txt"));
  await symlink(dir, join(root, "outside"));
  await symlink(join(root, "app.js"), join(root, "alias.js")); // inside root: allowed
  const routes = (service: string) => [
    { name: "r", route: { type: "host" as const, value: "*" }, paths: [{ path: ["/", "/{*path}"], service: { name: service } }, { path: "/assets/{*path}", service: { name: service, rewrite: "/assets" } }] },
  ];
  plain = await startProxyHarness({ routes: routes("files"), services: [{ service_type: "static", name: "files", static: { root } }] });
  spa = await startProxyHarness({ routes: routes("app"), services: [{ service_type: "static", name: "app", static: { root, spa: true } }] });
  dotfiles = await startProxyHarness({ routes: routes("all"), services: [{ service_type: "static", name: "all", static: { root, dotfiles: "allow" } }] });
});

after(async () => {
  await plain.close();
  await spa.close();
  await dotfiles.close();
  await rm(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: IncomingMessage["headers"];
  body: string;
  bytes: Buffer;
}

/** node:http keeps the path byte for byte (no dot-segment normalization), which the traversal cases need. */
function get(proxy: ProxyHarness, path: string, headers: Record<string, string> = {}, method = "GET"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: proxy.port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes.toString(), bytes });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

describe("static service", () => {
  it("serves files with their content type, index for / and directories", async () => {
    const cases: [string, string, string][] = [
      ["/", "text/html; charset=utf-8", "<h1>home</h1>"],
      ["/app.js", "text/javascript; charset=utf-8", "console.log(1)"],
      ["/style.css", "text/css; charset=utf-8", "body{}"],
      ["/data.json", "application/json; charset=utf-8", "{}"],
      ["/blob.unknownext", "application/octet-stream", "?"],
      ["/sub/", "text/html; charset=utf-8", "<h1>sub</h1>"],
      ["/alias.js?v=3", "text/javascript; charset=utf-8", "console.log(1)"],
    ];
    for (const [path, type, body] of cases) {
      const answer = await get(plain, path);
      assert.equal(answer.status, 200, path);
      assert.equal(answer.headers["content-type"], type, path);
      assert.equal(answer.body, body, path);
      assert.equal(answer.headers["content-length"], String(Buffer.byteLength(body)), path);
    }
  });

  it("strips the rewrite prefix", async () => {
    assert.equal((await get(plain, "/assets/app.js")).body, "console.log(1)");
  });

  it("answers 304 to a matching If-None-Match or a recent If-Modified-Since", async () => {
    const first = await get(plain, "/app.js");
    const etag = first.headers.etag!;
    assert.match(etag, /^"[0-9a-f]+-[0-9a-f]+"$/); // strong: If-Match and If-Range compare strongly
    assert.ok(first.headers["last-modified"]);
    const byEtag = await get(plain, "/app.js", { "if-none-match": etag });
    assert.equal(byEtag.status, 304);
    assert.equal(byEtag.body, "");
    assert.equal(byEtag.headers.etag, etag);
    assert.equal((await get(plain, "/app.js", { "if-modified-since": first.headers["last-modified"]! })).status, 304);
    assert.equal((await get(plain, "/app.js", { "if-none-match": 'W/"other"' })).status, 200);
  });

  it("serves ranges: 206 for one range, 416 outside the file, If-Range honoured", async () => {
    const part = await get(plain, "/big.txt", { range: "bytes=10-19" });
    assert.equal(part.status, 206);
    assert.equal(part.headers["content-range"], "bytes 10-19/1000");
    assert.equal(part.body, big.subarray(10, 20).toString());
    const suffix = await get(plain, "/big.txt", { range: "bytes=-5" });
    assert.equal(suffix.body, big.subarray(995).toString());
    const outside = await get(plain, "/big.txt", { range: "bytes=5000-6000" });
    assert.equal(outside.status, 416);
    assert.equal(outside.headers["content-range"], "bytes */1000");
    const stale = await get(plain, "/big.txt", { range: "bytes=0-1", "if-range": 'W/"stale"' });
    assert.equal(stale.status, 200);
    assert.equal(stale.body.length, 1000);
  });

  it("answers HEAD with headers only, and 405 to other methods", async () => {
    const head = await get(plain, "/big.txt", {}, "HEAD");
    assert.equal(head.status, 200);
    assert.equal(head.headers["content-length"], "1000");
    assert.equal(head.body, "");
    const post = await get(plain, "/big.txt", {}, "POST");
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, "GET, HEAD");
  });

  it("404s unknown files, or serves the index with 200 in SPA mode", async () => {
    const missing = await get(plain, "/no/such/page");
    assert.equal(missing.status, 404);
    assert.equal((JSON.parse(missing.body) as { error: string }).error, "NYLON_E_FILE_NOT_FOUND");
    const app = await get(spa, "/no/such/page");
    assert.equal(app.status, 200);
    assert.equal(app.body, "<h1>home</h1>");
  });

  it("never serves a file outside root: every traversal attempt is a 404 (or the front's 400)", async () => {
    const attempts = [
      "/../etc/passwd",
      "/../../../../etc/passwd",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/%2E%2E/secret.txt",
      "/..%2fsecret.txt",
      "/sub/..%2f..%2fsecret.txt",
      "/..%5csecret.txt",
      "/..\\secret.txt",
      "/sub/%2e%2e/%2e%2e/secret.txt",
      "/app.js%00.html",
      "/leak.txt",
      "/outside/secret.txt",
      "/assets/../../secret.txt",
    ];
    // Through the proxy, the front (request-target.ts) refuses encoded separators that hide a dot
    // segment and raw backslashes with 400, and resolves dot segments before the static service
    // sees the path: `/../etc/passwd` arrives as `/etc/passwd`, an unknown file inside root, which
    // SPA mode answers with its index.
    const refusedByFront = new Set(["/..%2fsecret.txt", "/sub/..%2f..%2fsecret.txt", "/..%5csecret.txt", "/..\\secret.txt"]);
    for (const proxy of [plain, spa]) {
      for (const path of attempts) {
        const answer = await get(proxy, path);
        const resolvedInsideRoot = normalizePath(path) !== path;
        const expected = refusedByFront.has(path) ? 400 : proxy === spa && resolvedInsideRoot ? 200 : 404;
        assert.equal(answer.status, expected, `${path} answered ${answer.status}`);
        if (expected === 200) assert.equal(answer.body, "<h1>home</h1>", path);
        assert.doesNotMatch(answer.body, /TOP SECRET|root:/, path);
      }
    }
    // The static service holds on its own too, given the raw paths with no front before it.
    for (const site of [new StaticSite({ root: join(dir, "site") }), new StaticSite({ root: join(dir, "site"), spa: true })]) {
      for (const path of attempts) {
        const answer = await site.serve({ method: "GET", path, headers: {} });
        assert.equal(answer.status, 404, `${path} answered ${answer.status} from the static service itself`);
        assert.ok(!Buffer.isBuffer(answer.body) || !/TOP SECRET|root:/.test(answer.body.toString()), path);
        if (answer.body instanceof Readable) answer.body.destroy();
      }
    }
  });

  it("redirects a directory named without its slash to the slash-terminated client path", async () => {
    const cases: [string, string][] = [
      ["/sub", "/sub/"],
      ["/sub?x=1&y=%20", "/sub/?x=1&y=%20"],
      ["/assets/sub", "/assets/sub/"], // the rewrite prefix stays: Location is what the client asked for
      ["/assets/sub?v=2", "/assets/sub/?v=2"],
      ["//sub", "/sub/"], // never "//sub/", which a browser reads as the host "sub"
    ];
    for (const [path, location] of cases) {
      const answer = await get(plain, path);
      assert.equal(answer.status, 301, path);
      assert.equal(answer.headers.location, location, path);
      assert.equal(answer.body, "", path);
    }
    assert.equal((await get(plain, "/sub", {}, "HEAD")).headers.location, "/sub/");
    assert.equal((await get(spa, "/sub")).status, 301, "SPA mode redirects real directories too");
    const followed = await get(plain, "/assets/sub/");
    assert.equal(followed.status, 200);
    assert.equal(followed.body, "<h1>sub</h1>");
  });

  it("answers dotfiles with the 404 of a missing file unless dotfiles: allow; .well-known is served", async () => {
    const missing = await get(plain, "/.no-such-file");
    assert.equal(missing.status, 404);
    const hidden = ["/.env", "/.git/config", "/a/.htpasswd", "/%2eenv", "/.git/", "/.git", "/assets/.env", "/.well-known/.hidden"];
    for (const proxy of [plain, spa]) {
      for (const path of hidden) {
        const answer = await get(proxy, path);
        assert.equal(answer.status, 404, path);
        // Same answer as a file that does not exist, only the echoed (normalised) path differs.
        const served = normalizePath(path.split("?")[0]!) as string;
        assert.equal(answer.body.replace(served, "<path>"), missing.body.replace("/.no-such-file", "<path>"), path);
        assert.doesNotMatch(answer.body, /SECRET|core|admin|still hidden/, path);
      }
    }
    const allowed: [string, string][] = [
      ["/.env", "SECRET=1"],
      ["/.git/config", "[core]"],
      ["/a/.htpasswd", "admin:x"],
      ["/.well-known/.hidden", "still hidden"],
    ];
    for (const [path, body] of allowed) {
      const answer = await get(dotfiles, path);
      assert.equal(answer.status, 200, path);
      assert.equal(answer.body, body, path);
    }
    for (const proxy of [plain, spa, dotfiles]) {
      const wellKnown = await get(proxy, "/.well-known/x");
      assert.equal(wellKnown.status, 200);
      assert.equal(wellKnown.body, "acme token");
    }
  });

  it("answers several ranges with a 206 multipart/byteranges body, byte for byte", async () => {
    const ranges: [number, number][] = [
      [0, 9],
      [100, 355],
      [1020, 1023],
    ];
    const answer = await get(plain, "/bin.dat", { range: "bytes=0-9,100-355,-4" });
    assert.equal(answer.status, 206);
    assert.equal(answer.headers["content-range"], undefined);
    const boundary = /^multipart\/byteranges; boundary=(.+)$/.exec(answer.headers["content-type"] ?? "")?.[1];
    assert.ok(boundary, answer.headers["content-type"]);
    assert.equal(answer.headers["content-length"], String(answer.bytes.length));
    const parts = parseByteranges(answer.bytes, boundary);
    assert.equal(parts.length, ranges.length);
    for (const [i, [start, end]] of ranges.entries()) {
      assert.equal(parts[i]!.headers["content-type"], "application/octet-stream");
      assert.equal(parts[i]!.headers["content-range"], `bytes ${start}-${end}/1024`);
      assert.ok(parts[i]!.body.equals(binary.subarray(start, end + 1)), `part ${i}`);
    }

    const head = await get(plain, "/bin.dat", { range: "bytes=0-9,100-355,-4" }, "HEAD");
    assert.equal(head.status, 206);
    assert.match(head.headers["content-type"] ?? "", /^multipart\/byteranges; boundary=./);
    assert.equal(head.headers["content-length"], answer.headers["content-length"]);
    assert.equal(head.bytes.length, 0);

    const stale = await get(plain, "/bin.dat", { range: "bytes=0-9,100-355", "if-range": 'W/"stale"' });
    assert.equal(stale.status, 200);
    assert.ok(stale.bytes.equals(binary));
    const current = await get(plain, "/bin.dat", { range: "bytes=0-9,100-355", "if-range": answer.headers.etag! });
    assert.equal(current.status, 206);
    assert.equal(parseByteranges(current.bytes, /boundary=(.+)$/.exec(current.headers["content-type"]!)![1]!).length, 2);
  });

  it("combines overlapping ranges into one plain 206, and ignores a flood of ranges", async () => {
    const answer = await get(plain, "/bin.dat", { range: "bytes=10-29,0-14,25-39" });
    assert.equal(answer.status, 206);
    assert.equal(answer.headers["content-type"], "application/octet-stream");
    assert.equal(answer.headers["content-range"], "bytes 0-39/1024");
    assert.equal(answer.headers["content-length"], "40");
    assert.ok(answer.bytes.equals(binary.subarray(0, 40)));

    const flood = Array.from({ length: 101 }, (_, i) => `${i * 2}-${i * 2}`).join(",");
    const whole = await get(plain, "/bin.dat", { range: `bytes=${flood}` });
    assert.equal(whole.status, 200);
    assert.ok(whole.bytes.equals(binary));
  });
});

/**
 * A strict multipart/byteranges reader: each part's length comes from its Content-Range, so a
 * missing or extra byte anywhere breaks the delimiter check that follows it.
 */
function parseByteranges(body: Buffer, boundary: string): { headers: Record<string, string>; body: Buffer }[] {
  const parts: { headers: Record<string, string>; body: Buffer }[] = [];
  let at = 0;
  const expect = (text: string): void => {
    assert.equal(body.subarray(at, at + text.length).toString("latin1"), text, `at byte ${at}`);
    at += text.length;
  };
  expect(`--${boundary}\r\n`);
  for (;;) {
    const headEnd = body.indexOf("\r\n\r\n", at);
    assert.ok(headEnd > at, "part headers end");
    const headers: Record<string, string> = {};
    for (const line of body.subarray(at, headEnd).toString("latin1").split("\r\n")) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    at = headEnd + 4;
    const [, start, end] = /^bytes (\d+)-(\d+)\/\d+$/.exec(headers["content-range"] ?? "") ?? [];
    assert.ok(start !== undefined && end !== undefined, headers["content-range"]);
    const length = Number(end) - Number(start) + 1;
    parts.push({ headers, body: body.subarray(at, at + length) });
    at += length;
    expect(`\r\n--${boundary}`);
    if (body.subarray(at, at + 2).toString() === "--") break;
    expect("\r\n");
  }
  expect("--\r\n");
  assert.equal(at, body.length, "nothing after the closing delimiter");
  return parts;
}
