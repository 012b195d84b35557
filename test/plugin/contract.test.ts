// A component built for another contract version is refused with both versions named.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { componentEmbed, componentNew } from "jco-legacy";
import { loadComponent } from "../../runtime/plugin/component-loader.js";
import { contractCompatible, HOST_CONTRACT_VERSION } from "../../runtime/plugin/contract.js";
import { witDir } from "../../runtime/package-paths.js";
import { NylonError } from "../../runtime/errors.js";

async function componentForVersion(version: string): Promise<string> {
  const wit = fs
    .readFileSync(path.join(witDir, "plugin.wit"), "utf8")
    .replace(/^package nylon:plugin@[^;]+;/m, `package nylon:plugin@${version};`);
  const component = await componentNew(await componentEmbed({ witSource: wit, dummy: true, world: "plugin" }), []);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "nylon-contract-")), "other.wasm");
  fs.writeFileSync(file, component);
  return file;
}

test("the host's contract version comes from the WIT package line", () => {
  assert.match(HOST_CONTRACT_VERSION, /^\d+\.\d+\.\d+/);
});

test("a component built for another contract version is refused, naming both versions", async () => {
  const file = await componentForVersion("9.9.9");
  await assert.rejects(loadComponent(file), (err: unknown) => {
    assert.ok(err instanceof NylonError);
    assert.equal(err.code, "NYLON_E_PLUGIN_CONTRACT");
    assert.match(err.message, /nylon:plugin@9\.9\.9/);
    assert.ok(err.message.includes(`nylon:plugin@${HOST_CONTRACT_VERSION}`));
    return true;
  });
});

test("a component built for an older minor version of the contract loads; a newer minor one is refused", async () => {
  const [major, minor] = HOST_CONTRACT_VERSION.split(".").map(Number) as [number, number];
  assert.ok(minor > 0, "this check needs a contract with an older minor version");
  const older = await loadComponent(await componentForVersion(`${major}.${minor - 1}.0`));
  assert.ok(older.parts.modules.size > 0);
  await assert.rejects(loadComponent(await componentForVersion(`${major}.${minor + 1}.0`)), /was built for nylon:plugin@\d+\.\d+\.0, but this proxy speaks/);
  assert.equal(contractCompatible("0.1.0", "0.2.0"), true);
  assert.equal(contractCompatible("0.2.3", "0.2.0"), true);
  assert.equal(contractCompatible("0.3.0", "0.2.0"), false);
  assert.equal(contractCompatible("1.0.0", "0.2.0"), false);
});

test("a file that is not a component is refused with the file named", async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "nylon-contract-")), "junk.wasm");
  fs.writeFileSync(file, "not wasm");
  await assert.rejects(loadComponent(file), /junk\.wasm is not a WebAssembly component/);
});
