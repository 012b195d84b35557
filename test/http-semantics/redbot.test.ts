// REDbot 2.7.1, the HTTP lint (test/support/install-redbot.sh installs it in a virtual environment),
// against a real nylon's static and proxied routes and its own error answers. It fails on any message
// at level BAD, and on any WARN that docs/security.md does not list, with its reason, under
// "Accepted REDbot warnings". The upstream behind the proxied routes is well-behaved (validators,
// Cache-Control), so what REDbot finds there is what nylon adds or loses on the way.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import fresh from "fresh";
import { startEdgeNylon } from "./edge-nylon.js";
import { startUpstream, type TestUpstream } from "../http/test-upstream.js";
import { repoRoot, type NylonProcess } from "../support/nylon-process.js";

const run = promisify(execFile);

interface RedNote {
  note_id: string;
  level: "GOOD" | "INFO" | "WARN" | "BAD";
  summary: string;
}

let dir: string;
let upstream: TestUpstream;
let nylon: NylonProcess;
let redbot: string;

before(async () => {
  const installed = await run("bash", [path.join(repoRoot, "test/support/install-redbot.sh")], { timeout: 10 * 60_000 });
  redbot = installed.stdout.trim();
  dir = mkdtempSync(path.join(tmpdir(), "nylon-redbot-"));
  mkdirSync(path.join(dir, "sub"));
  // Every file is over 97 bytes: REDbot asks for a range of up to 97 bytes, which for a smaller body is
  // the whole of it, and then warns about any answer (RANGE_CL_FULL for a 206, RANGE_FULL for a 200).
  const paragraph = "<p>" + "A static page served by nylon, with enough text to be worth a range. ".repeat(4) + "</p>";
  const files: [string, string | Buffer][] = [
    ["index.html", `<!doctype html><html lang=en><title>nylon</title><link rel=stylesheet href=style.css>${paragraph}</html>`],
    ["style.css", "body { font-family: sans-serif; margin: 2rem auto; max-width: 40rem; line-height: 1.5; color: #222; background: #fff; }\n"],
    ["app.js", "document.addEventListener('DOMContentLoaded', () => { document.body.dataset.ready = 'yes'; console.log('static script'); });\n"],
    ["data.json", JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item ${i}` })) })],
    ["blob.bin", Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 31) % 256))],
    ["sub/index.html", `<!doctype html><title>sub</title>${paragraph}`],
  ];
  const old = new Date("2025-01-02T03:04:05Z");
  for (const [name, body] of files) {
    writeFileSync(path.join(dir, name), body);
    utimesSync(path.join(dir, name), old, old);
  }
  // A well-behaved upstream: validators and Cache-Control on its 200s, both kinds of conditional
  // request answered with 304 (fresh), a 404 without validators.
  upstream = await startUpstream((req, res) => {
    res.setHeader("cache-control", "max-age=60");
    if (req.url === "/app/missing") {
      res.statusCode = 404;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ error: "not here" }));
      return;
    }
    const html = req.url === "/app/page";
    const body = html ? `<!doctype html><html lang=en><title>app</title>${paragraph}</html>` : JSON.stringify({ path: req.url, paragraph });
    const validators = { etag: `"${Buffer.byteLength(body).toString(16)}-up"`, "last-modified": old.toUTCString() };
    for (const [name, value] of Object.entries(validators)) res.setHeader(name, value);
    res.setHeader("content-type", html ? "text/html; charset=utf-8" : "application/json");
    if (fresh(req.headers, validators)) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.end(body);
  });
  nylon = await startEdgeNylon({ root: dir, upstreamPort: upstream.port });
});

after(async () => {
  assert.equal(await nylon?.stop(), 0, nylon?.logs());
  await upstream?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The note ids docs/security.md accepts, from the table under "Accepted REDbot warnings". */
function acceptedWarnings(): Map<string, string> {
  const text = readFileSync(path.join(repoRoot, "docs/security.md"), "utf8");
  const section = /^## Accepted REDbot warnings\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(text)?.[1] ?? "";
  const accepted = new Map<string, string>();
  for (const match of section.matchAll(/^\| `([A-Z0-9_]+)` \|[^|]*\| *([^|]*\S) *\|$/gm)) accepted.set(match[1]!, match[2]!);
  return accepted;
}

async function notesFor(url: string): Promise<RedNote[]> {
  const { stdout } = await run(redbot, ["-o", "har", url], { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  const har = JSON.parse(stdout) as { log: { entries: { _red_messages: RedNote[] }[] } };
  return har.log.entries.flatMap((entry) => entry._red_messages);
}

test("docs/security.md gives a reason for each accepted REDbot warning", () => {
  const accepted = acceptedWarnings();
  assert.ok(accepted.size > 0, "no table of accepted warnings found");
  for (const [id, reason] of accepted) assert.ok(reason.length > 20, `${id}: the reason is missing`);
});

test("REDbot finds nothing BAD and no warning docs/security.md does not accept, on static and proxied routes", { timeout: 15 * 60_000 }, async (t) => {
  const accepted = acceptedWarnings();
  const paths = [
    "/static/",
    "/static/index.html",
    "/static/style.css",
    "/static/app.js",
    "/static/data.json",
    "/static/blob.bin",
    "/static/sub",
    "/static/sub/",
    "/static/missing.css",
    "/app/page",
    "/app/api?x=1",
    "/app/missing",
    "/no-route",
  ];
  const problems: string[] = [];
  for (const p of paths) {
    const notes = await notesFor(`${nylon.url}${p}`);
    assert.ok(notes.length > 0, `REDbot said nothing about ${p}`);
    for (const note of notes) {
      if (note.level === "WARN" || note.level === "BAD") t.diagnostic(`${p}: ${note.level} ${note.note_id} ${note.summary}`);
      if (note.level === "BAD" || (note.level === "WARN" && !accepted.has(note.note_id))) problems.push(`${p}: ${note.level} ${note.note_id}: ${note.summary}`);
    }
  }
  assert.deepEqual(problems, []);
});
