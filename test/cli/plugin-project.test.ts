// A plugin project outside this repository, as a user makes one: nylon packed with `npm pack`, a
// plugin scaffolded by `nylon new plugin` in a temporary folder, nylon installed into it from the
// tarball, then the project's own `npm run build`, `npm test` and `npm run typecheck` (tsc --noEmit:
// its tsconfig.json resolves @nylon/sdk with types), and the installed `nylon` command.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { packageRoot } from "../../runtime/package-paths.js";

/** The child's own `node --test` must report as a top-level run, not to this test runner. */
const { NODE_TEST_CONTEXT: _, ...childEnv } = process.env;

function run(cwd: string, command: string, args: string[]): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 600_000, env: childEnv });
  assert.equal(result.status, 0, `${command} ${args.join(" ")} in ${cwd} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout + result.stderr;
}

test("a plugin project outside the repository builds, tests and type-checks against nylon installed from a tarball", { timeout: 900_000 }, () => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), "nylon-project-"));
  assert.ok(path.relative(packageRoot, outside).startsWith(".."), "the project is outside the repository");
  try {
    // npm pack runs prepack: the (incremental) build, which is up to date here, and the shrinkwrap.
    run(packageRoot, "npm", ["pack", "--pack-destination", outside, "--silent"]);
    const tarball = fs.readdirSync(outside).find((f) => /^nylon-proxy-.*\.tgz$/.test(f));
    assert.ok(tarball, "npm pack wrote nylon-proxy-<version>.tgz");

    run(outside, process.execPath, [path.join(packageRoot, "bin", "nylon.js"), "new", "plugin", "greeter"]);
    const project = path.join(outside, "greeter");
    assert.ok(fs.existsSync(path.join(project, "tsconfig.json")));
    // From npm's cache where it can (CI's `npm ci` filled it), the registry for what it lacks.
    run(project, "npm", ["install", "--save-dev", "--prefer-offline", "--no-audit", "--no-fund", path.join(outside, tarball)]);
    const manifest = JSON.parse(fs.readFileSync(path.join(project, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    assert.match(manifest.devDependencies["nylon-proxy"]!, /nylon-proxy-.*\.tgz$/);

    assert.match(run(project, "npx", ["nylon", "--version"]), /^\d+\.\d+\.\d+/);
    assert.match(run(project, "npm", ["run", "build"]), /greeter (built|up to date)/);
    assert.ok(fs.existsSync(path.join(project, "greeter.wasm")));
    const tested = run(project, "npm", ["test"]);
    assert.match(tested, /4 steps passed/);
    assert.match(tested, /# fail 0/);
    run(project, "npm", ["run", "typecheck"]);
  } finally {
    fs.rmSync(outside, { recursive: true, force: true });
  }
});
