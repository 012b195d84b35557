// Writes configuration files into a fresh temporary directory and checks ConfigErrors against them.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConfigError, type ConfigIssue } from "../../runtime/config/config-error.js";
import { loadConfig } from "../../runtime/config/load.js";

/** Writes `files` (relative name -> content) into a new temp dir; returns its path. */
export async function writeFixture(files: Record<string, string>): Promise<string> {
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

/** Loads the fixture and asserts one reported issue has this place, key path and message, in `issues` and in the text. */
export async function expectIssue(files: Record<string, string>, expected: ExpectedIssue): Promise<ConfigIssue> {
  const directory = await writeFixture(files);
  const error = await loadError(directory);
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
