// Every bench command answers --help with what it measures and its options, and refuses what it does
// not know (an unknown option, a stray argument) instead of running with it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { packageRoot } from "../../runtime/package-paths.js";

const benchDir = path.join(packageRoot, "dist", "bench");
const benches = fs.readdirSync(benchDir).filter((f) => f.endsWith(".js"));

test("every bench has --help, and refuses an unknown option or argument", () => {
  assert.ok(benches.length >= 10, `found ${benches.join(", ")}`);
  for (const bench of benches) {
    const help = spawnSync(process.execPath, [path.join(benchDir, bench), "--help"], { encoding: "utf8", timeout: 60_000 });
    assert.equal(help.status, 0, `${bench} --help: ${help.stderr}`);
    assert.match(help.stdout, new RegExp(`^usage: node dist/bench/${bench} \\[options\\]`), bench);
    assert.match(help.stdout, /--help/, bench);
    for (const wrong of [["--bogus"], ["3"]]) {
      const refused = spawnSync(process.execPath, [path.join(benchDir, bench), ...wrong], { encoding: "utf8", timeout: 60_000 });
      assert.equal(refused.status, 2, `${bench} ${wrong.join(" ")}: ${refused.stdout}${refused.stderr}`);
      assert.match(refused.stderr, /usage:/, bench);
    }
  }
});
