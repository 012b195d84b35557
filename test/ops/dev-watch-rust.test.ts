// `nylon run --watch` on a Rust plugin crate: an edit to a source under src/ is rebuilt with cargo and
// served after a reload.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { repoRoot, runNylon, type NylonProcess } from "../support/nylon-process.js";
import { stopAndRemove, tempDir } from "./ops-support.js";
import { answersWith, watchPlugin } from "./watch-support.js";

/** A cargo rebuild of one small crate takes seconds to a minute on a busy machine. */
const REBUILD_MS = 300_000;

/**
 * cargo's cache of this repository, whose workspace builds the SDK's dependencies with the same
 * release profile: the crate compiles only itself. NYLON_CACHE_DIR keeps the builds out of the user's cache.
 */
let env: NodeJS.ProcessEnv;
let dir: string;
let crate: string;
let nylon: NylonProcess;

function source(answer: string): string {
  return `use nylon_sdk::Plugin;

nylon_sdk::plugin!(register);

fn register(plugin: &mut Plugin) {
    plugin.add_phase_handler("hello", |phase| {
        phase.request_filter(|ctx| {
            ctx.response().body_text(${JSON.stringify(answer)});
            ctx.end();
        });
    });
}
`;
}

function answers(body: string): Promise<void> {
  return answersWith(nylon, body, REBUILD_MS);
}

before(async () => {
  dir = tempDir();
  env = { CARGO_TARGET_DIR: path.join(repoRoot, "target"), NYLON_CACHE_DIR: path.join(dir, "cache") };
  crate = path.join(dir, "hello");
  fs.mkdirSync(path.join(crate, "src"), { recursive: true });
  fs.writeFileSync(
    path.join(crate, "Cargo.toml"),
    fs.readFileSync(path.join(repoRoot, "plugins", "echo-rust", "Cargo.toml"), "utf8")
      .replace('name = "echo-rust"', 'name = "hello"')
      .replace('path = "../../sdk-wit/rust"', `path = ${JSON.stringify(path.join(repoRoot, "sdk-wit", "rust"))}`)
      // The repository workspace's release profile, so cargo reuses what it compiled for the workspace.
      .concat('\n[profile.release]\nopt-level = 3\nlto = true\ncodegen-units = 1\npanic = "abort"\nstrip = "debuginfo"\n'),
  );
  fs.writeFileSync(path.join(crate, "src", "lib.rs"), source("v1"));
  const build = await runNylon(["build", crate], { env, timeoutMs: REBUILD_MS });
  assert.equal(build.code, 0, build.stderr);
  nylon = await watchPlugin(path.join(crate, "hello.wasm"), dir, env);
});

after(async () => {
  const code = await stopAndRemove(nylon, dir);
  if (nylon) assert.equal(code, 0, nylon.logs());
});

test("an edit under src/ is rebuilt with cargo and served", async () => {
  await answers("v1");
  fs.writeFileSync(path.join(crate, "src", "lib.rs"), source("v2"));
  await answers("v2");
  assert.match(nylon.logs(), /"msg":"plugin rebuilt"/);
});
