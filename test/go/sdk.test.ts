// The Go SDK's own tests (sdk-wit/go/*_test.go): everything above the canonical ABI, run natively
// by `go test` against a recording host. Here so that `npm test` runs them.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { goSdkDir } from "../../runtime/package-paths.js";
import { goCommand } from "../../runtime/compile/go-toolchain.js";

test("go test ./... passes in sdk-wit/go", () => {
  const { GOOS: _os, GOARCH: _arch, ...env } = process.env;
  const result = spawnSync(goCommand(), ["test", "-count=1", "./..."], { cwd: goSdkDir, encoding: "utf8", env: { ...env, GOTOOLCHAIN: "local" }, timeout: 600_000 });
  assert.equal(result.error, undefined, `go could not run: ${result.error?.message}`);
  assert.equal(result.status, 0, `go test failed:\n${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /^ok\s+nylon\/sdk\s/m);
});
