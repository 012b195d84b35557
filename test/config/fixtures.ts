// Writes configuration files into a fresh temporary directory and checks ConfigErrors against them.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConfigError, type ConfigIssue } from "../../runtime/config/config-error.js";
import { pino } from "pino";
import { checkConfig } from "../../runtime/check-config.js";
import { standaloneServices } from "../../runtime/plugin/plugin-services.js";
import { loadConfig } from "../../runtime/config/load.js";
import { WebSocketHub } from "../../runtime/websocket/websocket-hub.js";

/** Writes `files` (relative name -> content) into a new temp dir; returns its path. */
export async function writeFixture(files: Record<string, string | Uint8Array>): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), "nylon-config-"));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(directory, name)), { recursive: true });
    await writeFile(path.join(directory, name), content);
  }
  return directory;
}

/** Strips the first newline so that line 1 of the file is the first line of the literal. */
export function yaml(text: string): string {
  return text.replace(/^\n/, "");
}

export async function loadError(directory: string, main = "nylon.yaml"): Promise<ConfigError> {
  try {
    await loadConfig(path.join(directory, main));
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail("the configuration was accepted but should have been refused");
}

export interface ExpectedIssue {
  file?: string;
  line: number;
  column?: number;
  path: string;
  message: RegExp;
}

/**
 * The error of the whole validation `nylon validate` and `nylon run` share (loadConfig, then checkConfig:
 * plugin files and init, certificates, static roots, listeners).
 */
export async function startError(directory: string, main = "nylon.yaml"): Promise<ConfigError> {
  const hub = new WebSocketHub();
  try {
    const { plugins } = await checkConfig(await loadConfig(path.join(directory, main)), hub, pino({ level: "silent" }), standaloneServices());
    for (const plugin of plugins.values()) plugin.stop();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String((error as Error).stack ?? error)}`);
    return error;
  } finally {
    hub.stop();
  }
  assert.fail("the configuration was accepted but should have been refused");
}

/**
 * Loads the fixture and asserts one reported issue has this place, key path and message, in `issues` and in
 * the text. `refuse` is how it is checked: loadConfig alone by default, or startError.
 */
export async function expectIssue(files: Record<string, string | Uint8Array>, expected: ExpectedIssue, refuse: (directory: string) => Promise<ConfigError> = loadError): Promise<ConfigIssue> {
  const directory = await writeFixture(files);
  const error = await refuse(directory);
  assert.equal(error.code, "NYLON_E_CONFIG");
  const file = path.join(directory, expected.file ?? "nylon.yaml");
  const issue = error.issues.find((candidate) => candidate.path === expected.path && candidate.file === file);
  assert.ok(issue, `no issue at ${expected.path} in ${file}; got:\n${error.message}`);
  assert.equal(issue.line, expected.line, error.message);
  if (expected.column !== undefined) assert.equal(issue.column, expected.column, error.message);
  assert.match(issue.message, expected.message);
  const position = `${expected.file ?? "nylon.yaml"}:${expected.line}:${issue.column}`;
  const place = expected.path === "" ? `${position}: ` : `${position} ${expected.path}: `;
  assert.ok(error.message.includes(place), `message lacks "${place}":\n${error.message}`);
  return issue;
}
