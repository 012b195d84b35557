// Static files through a real nylon process, on raw sockets: conditional requests as RFC 9110 section
// 13 orders them (If-Match, If-Unmodified-Since -> 412; If-None-Match, If-Modified-Since -> 304),
// If-Range with a strong validator and an exact date only (section 13.1.5), Range headers that are
// not byte ranges (416, as nginx), and multipart answers without a MaxListenersExceededWarning.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startNylon, type NylonProcess } from "../support/nylon-process.js";
import { rawRequest, type RawAnswer } from "../support/raw-http.js";

let dir: string;
let nylon: NylonProcess;
/** 1000 bytes, modified on a fixed date long ago (so Last-Modified is a strong validator). */
const OLD_DATE = new Date("2024-03-05T06:07:08Z");
const OLD_HTTP_DATE = "Tue, 05 Mar 2024 06:07:08 GMT";
const content = Buffer.from(Array.from({ length: 1000 }, (_, i) => 65 + (i % 26)));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nylon-conditional-"));
  writeFileSync(join(dir, "old.txt"), content);
  utimesSync(join(dir, "old.txt"), OLD_DATE, OLD_DATE);
  writeFileSync(join(dir, "fresh.txt"), content);
  nylon = await startNylon(`
http: ["127.0.0.1:{{PORT}}"]
services:
  - { name: files, service_type: static, static: { root: "${dir}" } }
routes:
  - name: site
    route: { type: host, value: "*" }
    paths:
      - { path: "/{*path}", service: { name: files } }
`);
});

after(async () => {
  assert.equal(await nylon.stop(), 0, nylon.logs());
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}, method = "GET"): Promise<RawAnswer> {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  return rawRequest(nylon.port, `${method} ${path} HTTP/1.1\r\nHost: files.test\r\n${lines}Connection: close\r\n\r\n`, { bodyless: method === "HEAD" });
}

async function etagOf(path: string): Promise<string> {
  const answer = await get(path);
  return answer.header("etag")!;
}

describe("If-Match and If-Unmodified-Since (RFC 9110 sections 13.1.1, 13.1.4)", () => {
  it("the ETag is strong: size and modification time", async () => {
    assert.match(await etagOf("/old.txt"), /^"[0-9a-f]+-[0-9a-f]+"$/);
  });

  it("If-Match holds for the current strong ETag, for * and for a list holding it; otherwise 412", async () => {
    const etag = await etagOf("/old.txt");
    for (const ifMatch of [etag, "*", `"other", ${etag}`, ` ${etag} `, `,${etag},`]) {
      const answer = await get("/old.txt", { "If-Match": ifMatch });
      assert.equal(answer.status, 200, ifMatch);
      assert.deepEqual(answer.body, content, ifMatch);
    }
    for (const ifMatch of ['"other"', `W/${etag}`, "not-a-tag", `${etag.slice(0, -2)}"`]) {
      const answer = await get("/old.txt", { "if-match": ifMatch });
      assert.equal(answer.status, 412, ifMatch);
      assert.equal(JSON.parse(answer.body.toString()).error, "NYLON_E_PRECONDITION_FAILED", ifMatch);
    }
  });

  it("a HEAD is judged the same way", async () => {
    assert.equal((await get("/old.txt", { "IF-MATCH": '"other"' }, "HEAD")).status, 412);
    assert.equal((await get("/old.txt", { "IF-MATCH": "*" }, "HEAD")).status, 200);
  });

  it("If-Unmodified-Since before Last-Modified is 412; at or after it, or unreadable, the file is served", async () => {
    const cases: [string, number][] = [
      ["Tue, 05 Mar 2024 06:07:07 GMT", 412],
      ["Monday, 04-Mar-24 06:07:08 GMT", 412], // RFC 850 form
      ["Mon Mar  4 06:07:08 2024", 412], // asctime form, read as GMT
      [OLD_HTTP_DATE, 200],
      ["Tuesday, 05-Mar-24 06:07:08 GMT", 200],
      ["Tue Mar  5 06:07:08 2024", 200],
      ["Wed, 06 Mar 2024 00:00:00 GMT", 200],
      ["yesterday", 200],
      ["Tue, 31 Feb 2024 06:07:08 GMT", 200],
    ];
    for (const [date, status] of cases) assert.equal((await get("/old.txt", { "If-Unmodified-Since": date })).status, status, date);
  });

  it("If-Match wins over If-Unmodified-Since, which is then not looked at", async () => {
    const etag = await etagOf("/old.txt");
    assert.equal((await get("/old.txt", { "If-Match": etag, "If-Unmodified-Since": "Tue, 05 Mar 2024 06:07:07 GMT" })).status, 200);
  });

  it("a failed precondition is answered before If-None-Match and Range are", async () => {
    const etag = await etagOf("/old.txt");
    assert.equal((await get("/old.txt", { "If-Match": '"other"', "If-None-Match": etag })).status, 412);
    assert.equal((await get("/old.txt", { "If-Match": '"other"', Range: "bytes=0-1" })).status, 412);
  });

  it("If-None-Match compares weakly and answers 304 with the validators; it wins over If-Modified-Since", async () => {
    const etag = await etagOf("/old.txt");
    for (const inm of [etag, `W/${etag}`, "*", `"x", ${etag}`]) {
      const answer = await get("/old.txt", { "If-None-Match": inm });
      assert.equal(answer.status, 304, inm);
      assert.equal(answer.header("etag"), etag);
      assert.equal(answer.header("last-modified"), OLD_HTTP_DATE);
    }
    assert.equal((await get("/old.txt", { "If-None-Match": '"x"', "If-Modified-Since": OLD_HTTP_DATE })).status, 200);
    assert.equal((await get("/old.txt", { "If-Modified-Since": OLD_HTTP_DATE })).status, 304);
  });
});

describe("If-Range (RFC 9110 section 13.1.5)", () => {
  it("a strong ETag that matches applies the Range; a weak one never does", async () => {
    const etag = await etagOf("/old.txt");
    const partial = await get("/old.txt", { Range: "bytes=0-9", "If-Range": etag });
    assert.equal(partial.status, 206);
    assert.deepEqual(partial.body, content.subarray(0, 10));
    for (const ifRange of [`W/${etag}`, '"other"']) {
      const whole = await get("/old.txt", { Range: "bytes=0-9", "If-Range": ifRange });
      assert.equal(whole.status, 200, ifRange);
      assert.equal(whole.body.length, 1000, ifRange);
    }
  });

  it("a date applies the Range only when it equals Last-Modified exactly", async () => {
    assert.equal((await get("/old.txt", { Range: "bytes=0-9", "If-Range": OLD_HTTP_DATE })).status, 206);
    assert.equal((await get("/old.txt", { Range: "bytes=0-9", "If-Range": "Tuesday, 05-Mar-24 06:07:08 GMT" })).status, 206);
    // Later than Last-Modified: the old ">=" comparison took it; the file the client has may differ.
    for (const date of ["Wed, 06 Mar 2024 00:00:00 GMT", "Tue, 05 Mar 2024 06:07:07 GMT", "garbage"]) {
      const answer = await get("/old.txt", { Range: "bytes=0-9", "If-Range": date });
      assert.equal(answer.status, 200, date);
      assert.equal(answer.body.length, 1000, date);
    }
  });

  it("a date is not a strong validator for a file whose Last-Modified is not a second in the past", async () => {
    // Section 8.8.2.2: Last-Modified is strong only at least one second before the answer's Date. A
    // modification time a minute ahead (a clock skew, or a write in the same second) never is.
    const path = join(dir, "ahead.txt");
    writeFileSync(path, content);
    const ahead = new Date(Math.floor(Date.now() / 1000) * 1000 + 60_000);
    utimesSync(path, ahead, ahead);
    const answer = await get("/ahead.txt", { Range: "bytes=0-9", "If-Range": ahead.toUTCString() });
    assert.equal(answer.header("last-modified"), ahead.toUTCString());
    assert.equal(answer.status, 200);
    utimesSync(path, OLD_DATE, OLD_DATE);
    assert.equal((await get("/ahead.txt", { Range: "bytes=0-9", "If-Range": OLD_HTTP_DATE })).status, 206);
  });

  it("If-Range without Range changes nothing", async () => {
    assert.equal((await get("/old.txt", { "If-Range": '"other"' })).status, 200);
  });
});

describe("Range headers that are not byte ranges", () => {
  it("answers 416 with the size for a bytes range-set that cannot be read", async () => {
    for (const range of ["bytes=abc", "bytes=5-2", "bytes=1x-2", "bytes=", "bytes=0-1,abc", "bytes=--1", "bytes 0-1", "bytes=0-1;2-3"]) {
      const answer = await get("/old.txt", { Range: range });
      assert.equal(answer.status, 416, range);
      assert.equal(answer.header("content-range"), "bytes */1000", range);
      assert.equal(JSON.parse(answer.body.toString()).error, "NYLON_E_RANGE_NOT_SATISFIABLE", range);
    }
  });

  it("reads the unit case-insensitively and allows spaces and empty list elements", async () => {
    for (const range of ["BYTES=0-9", "Bytes = 0-9", "bytes=0-9, ", "bytes=,0-9"]) {
      const answer = await get("/old.txt", { Range: range });
      assert.equal(answer.status, 206, range);
      assert.deepEqual(answer.body, content.subarray(0, 10), range);
    }
  });

  it("ignores another unit (200, the whole file)", async () => {
    const answer = await get("/old.txt", { Range: "items=0-9" });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.length, 1000);
  });

  it("a range past the end is still 416; one that starts inside is cut to the file", async () => {
    assert.equal((await get("/old.txt", { Range: "bytes=1000-" })).status, 416);
    const cut = await get("/old.txt", { Range: "bytes=990-5000" });
    assert.equal(cut.status, 206);
    assert.equal(cut.header("content-range"), "bytes 990-999/1000");
  });
});

describe("multipart/byteranges", () => {
  it("sends 40 parts, each byte right, and prints no MaxListenersExceededWarning", async () => {
    const ranges = Array.from({ length: 40 }, (_, i) => [i * 20, i * 20 + 4] as const);
    const answer = await get("/old.txt", { Range: `bytes=${ranges.map(([a, b]) => `${a}-${b}`).join(",")}` });
    assert.equal(answer.status, 206);
    const boundary = /boundary=(\S+)/.exec(answer.header("content-type")!)![1]!;
    const parts = answer.body.toString("latin1").split(`--${boundary}`).slice(1, -1);
    assert.equal(parts.length, 40);
    for (const [i, [a, b]] of ranges.entries()) {
      assert.match(parts[i]!, new RegExp(`Content-Range: bytes ${a}-${b}/1000\\r\\n\\r\\n`));
      assert.ok(parts[i]!.includes(`\r\n\r\n${content.subarray(a, b + 1).toString("latin1")}`), `part ${i}`);
    }
    assert.doesNotMatch(nylon.logs(), /MaxListenersExceededWarning/);
  });
});
