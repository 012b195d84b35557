// The certificate files a configuration names, read and parsed as `run` will use them, each problem at its
// key: a file that is missing, empty or not PEM, a certificate file without a certificate, a private key in a
// chain (the chain is sent to every client), a key that does not belong to its certificate. The Redis
// adapter's TLS files are read here too when the adapter is in use.
import crypto from "node:crypto";
import fs from "node:fs";
import tls from "node:tls";
import type { ConfigIssue } from "./config-error.js";
import { displayFile } from "./config-error.js";
import type { KeyPath } from "./key-path.js";
import type { LoadedConfig } from "./load.js";
import { issueAt, type YamlSource } from "./yaml-source.js";

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

function pemBlocks(text: string): { label: string; pem: string }[] {
  return [...text.matchAll(PEM_BLOCK)].map((match) => ({ label: match[1]!, pem: match[0] }));
}

class FileChecks {
  readonly issues: ConfigIssue[] = [];
  constructor(private readonly source: YamlSource) {}

  /** Reports a problem; returns undefined so a reader can `return this.problem(...)`. */
  problem(path: KeyPath, message: string): undefined {
    this.issues.push(issueAt(this.source, path, message));
    return undefined;
  }

  /** The file's text, or undefined after reporting why it cannot be used. */
  read(path: KeyPath, file: string): string | undefined {
    const shown = displayFile(file);
    try {
      if (fs.statSync(file).isDirectory()) return this.problem(path, `${shown} is a directory, not a file`);
      const text = fs.readFileSync(file, "utf8");
      if (text.trim() === "") return this.problem(path, `${shown} is empty`);
      return text;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return this.problem(path, code === "ENOENT" ? `${shown} does not exist` : `cannot read ${shown}: ${(error as Error).message}`);
    }
  }

  /** Certificates only: every block parses as X.509, and no private key sits among them. */
  certificates(path: KeyPath, file: string, what: string): string | undefined {
    const text = this.read(path, file);
    if (text === undefined) return undefined;
    const blocks = pemBlocks(text);
    const shown = displayFile(file);
    if (blocks.some((block) => block.label.includes("PRIVATE KEY"))) {
      return this.problem(path, `${shown} holds a private key: ${what} is sent to every client; keep the key in its own file under key`);
    }
    const certificates = blocks.filter((block) => block.label === "CERTIFICATE");
    if (certificates.length === 0) return this.problem(path, `${shown} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    for (const block of certificates) {
      try {
        new crypto.X509Certificate(block.pem);
      } catch (error) {
        return this.problem(path, `${shown} holds a certificate that cannot be parsed: ${(error as Error).message}`);
      }
    }
    return text;
  }

  privateKey(path: KeyPath, file: string): string | undefined {
    const text = this.read(path, file);
    if (text === undefined) return undefined;
    try {
      crypto.createPrivateKey(text);
      return text;
    } catch (error) {
      return this.problem(path, `${displayFile(file)} holds no usable PEM private key: ${(error as Error).message}`);
    }
  }
}

export function checkTlsFiles(loaded: LoadedConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const entry of loaded.located.proxy.tls) {
    const checks = new FileChecks(entry.source);
    const { cert, key, chain } = entry.value;
    const certificate = checks.certificates([...entry.path, "cert"], cert, "the certificate file");
    const privateKey = checks.privateKey([...entry.path, "key"], key);
    const chainTexts = (chain ?? []).map((file, index) => checks.certificates([...entry.path, "chain", index], file, "the chain"));
    if (certificate !== undefined && privateKey !== undefined && chainTexts.every((text) => text !== undefined)) {
      try {
        tls.createSecureContext({ cert: [certificate, ...(chainTexts as string[])].join("\n"), key: privateKey });
      } catch (error) {
        checks.problem([...entry.path, "key"], `${displayFile(key)} does not fit the certificate ${displayFile(cert)}: ${(error as Error).message}`);
      }
    }
    issues.push(...checks.issues);
  }
  const { websocket } = loaded.config;
  const redisTls = websocket.redis?.tls;
  if (websocket.adapter_type === "redis" && typeof redisTls === "object") {
    const checks = new FileChecks(loaded.located.main);
    for (const key of ["ca", "cert", "key"] as const) {
      const file = redisTls[key];
      if (file !== undefined) checks.read(["websocket", "redis", "tls", key], file);
    }
    issues.push(...checks.issues);
  }
  return issues;
}
