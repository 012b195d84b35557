// TLS: wss:// chat through a certificate the test makes, certificates chosen by SNI with a default,
// TLS 1.2 as the floor, certificate files re-read on reload, and the HTTP->HTTPS redirect keeping
// path and query.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import tls from "node:tls";
import { after, before, test } from "node:test";
import { freePort, startNylon, type NylonProcess } from "../support/nylon-process.js";
import { RecordingClient, stopAndRemove, tempDir, waitForLog } from "./ops-support.js";

let dir: string;
let nylon: NylonProcess;
let httpsPort: number;

/** A self-signed certificate for `name` (also valid for 127.0.0.1), written as name.crt / name.key. */
function makeCertificate(name: string): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
    "-keyout", key, "-out", cert, "-subj", `/CN=${name}`, "-addext", `subjectAltName=DNS:${name},IP:127.0.0.1`,
  ], { stdio: "ignore" });
  return { cert, key };
}

/** The certificate the server presents for an SNI name (none: no SNI), and the protocol agreed. */
function handshake(servername: string | undefined, options: tls.ConnectionOptions = {}): Promise<{ cn: string; fingerprint: string; protocol: string }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port: httpsPort, rejectUnauthorized: false, ...(servername && { servername }), ...options }, () => {
      const peer = socket.getPeerCertificate();
      resolve({ cn: String(peer.subject.CN), fingerprint: peer.fingerprint256, protocol: socket.getProtocol() ?? "" });
      socket.end();
    });
    socket.on("error", reject);
  });
}

before(async () => {
  dir = tempDir();
  const main = makeCertificate("localhost");
  const other = makeCertificate("other.test");
  httpsPort = await freePort();
  nylon = await startNylon(`
http: ["127.0.0.1:{{PORT}}"]
https: ["127.0.0.1:${httpsPort}"]
tls:
  - { type: custom, cert: "${main.cert}", key: "${main.key}", domains: [localhost] }
  - { type: custom, cert: "${other.cert}", key: "${other.key}", domains: ["*.test"] }
plugins:
  - { name: chat, type: wasm, file: "{{ROOT}}/plugins/chat/chat.wasm" }
services:
  - { name: chat, service_type: plugin, plugin: { name: chat, entry: chat } }
  - { name: web, service_type: static, static: { root: "{{ROOT}}/web" } }
routes:
  - name: secure
    route: { type: host, value: "*" }
    tls: { enabled: true, redirect: "\${host}:${httpsPort}" }
    paths:
      - { path: /chat, service: { name: chat } }
      - { path: [/, "/{*path}"], service: { name: web } }
`);
});

after(async () => {
  await stopAndRemove(nylon, dir);
});

test("wss:// chat through a plugin, trusting the test's self-signed certificate", async () => {
  const ca = fs.readFileSync(path.join(dir, "localhost.crt"));
  const url = `wss://127.0.0.1:${httpsPort}/chat`; // the certificate names 127.0.0.1 too
  const connect = () => RecordingClient.connect(url, { ca }).catch((err: Error) => assert.fail(`${err.message}\n--- nylon output ---\n${nylon.logs()}`));
  const alice = await connect();
  await alice.received(2);
  const bob = await connect();
  await bob.received(2);
  alice.socket.send("over tls");
  assert.equal((await bob.received(3)).at(-1), "over tls");
  await Promise.all([alice.close(), bob.close()]);
});

test("SNI picks the certificate (exact or one-label wildcard); an unknown name or no SNI gets the default (the first entry)", async () => {
  assert.equal((await handshake("localhost")).cn, "localhost");
  assert.equal((await handshake("b.test")).cn, "other.test");
  assert.equal((await handshake("a.b.test")).cn, "localhost");
  assert.equal((await handshake("unknown.example")).cn, "localhost");
  assert.equal((await handshake(undefined)).cn, "localhost");
});

test("TLS 1.2 is the floor: a TLS 1.1 client is refused", async () => {
  assert.match((await handshake("localhost")).protocol, /^TLSv1\.[23]$/);
  await assert.rejects(handshake("localhost", { minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT:@SECLEVEL=0" }));
});

test("plain HTTP is redirected to HTTPS with the path and query kept", async () => {
  const get = await fetch(`${nylon.url}/a/b?c=d`, { redirect: "manual" });
  assert.equal(get.status, 301);
  assert.equal(get.headers.get("location"), `https://127.0.0.1:${httpsPort}/a/b?c=d`);
  const post = await fetch(`${nylon.url}/form?x=1`, { method: "POST", body: "x", redirect: "manual" });
  assert.equal(post.status, 308);
  assert.equal(post.headers.get("location"), `https://127.0.0.1:${httpsPort}/form?x=1`);
  // Over HTTPS the same route serves.
  const served = await new Promise<number>((resolve, reject) =>
    https.get(`https://127.0.0.1:${httpsPort}/`, { rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    }).on("error", reject),
  );
  assert.equal(served, 200);
});

test("certificate files are re-read on reload", async () => {
  const before = await handshake("localhost");
  makeCertificate("localhost"); // a new key pair in the same files
  const from = nylon.logs().length;
  nylon.child.kill("SIGHUP");
  await waitForLog(nylon, /configuration reloaded/, 30_000, from);
  const after = await handshake("localhost");
  assert.notEqual(after.fingerprint, before.fingerprint);
  assert.notEqual((await handshake(undefined)).fingerprint, before.fingerprint);
});
