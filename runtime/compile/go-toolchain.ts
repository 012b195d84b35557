import { execFile } from "node:child_process";
import { NylonError } from "../errors.js";
import type { BuildLimits } from "./compile-process.js";

/** go:wasmexport, which a Go plugin's exports need, arrived in Go 1.24. */
export const MIN_GO = { major: 1, minor: 24 } as const;

/**
 * A machine's first Go plugin build also compiles Go's standard library for wasip1 (a few minutes
 * on a busy 2-core machine; Go caches it for every later build, which takes seconds). The limit
 * still stops a build that never ends.
 */
export const GO_BUILD_LIMITS: Pick<BuildLimits, "timeLimitMs"> = { timeLimitMs: 600_000 };

export interface GoToolchain {
  /** The command run (NYLON_GO, or `go` from PATH). */
  command: string;
  /** As `go version` prints it, e.g. go1.26.8. */
  version: string;
}

/** The command nylon runs for Go: NYLON_GO when set, else `go` from PATH. */
export function goCommand(): string {
  return process.env.NYLON_GO || "go";
}

export const NEED_GO = `Go plugins need Go ${MIN_GO.major}.${MIN_GO.minor} or newer (https://go.dev/dl/; NYLON_GO names another go binary)`;

/** `go version`'s release, e.g. { major: 1, minor: 26 } for "go version go1.26.8 linux/amd64". */
export function parseGoVersion(output: string): { version: string; major: number; minor: number } | null {
  const m = /\bgo(\d+)\.(\d+)(\S*)/.exec(output);
  if (!m) return null;
  return { version: `go${m[1]}.${m[2]}${m[3]}`, major: Number(m[1]), minor: Number(m[2]) };
}

let probed: { command: string; toolchain: Promise<GoToolchain> } | undefined;

/**
 * The Go toolchain, checked once per process: a missing or too old Go is one line saying what is
 * needed, before anything is compiled.
 */
export function findGo(): Promise<GoToolchain> {
  const command = goCommand();
  if (probed?.command !== command) probed = { command, toolchain: probeGo(command) };
  return probed.toolchain;
}

async function probeGo(command: string): Promise<GoToolchain> {
  const output = await new Promise<string>((resolve, reject) => {
    execFile(command, ["version"], { env: { ...process.env, GOTOOLCHAIN: "local" } }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
      reject(new NylonError("NYLON_E_BUILD", missing ? `${NEED_GO}; \`${command}\` was not found` : `${NEED_GO}; \`${command} version\` failed: ${(stderr || err.message).trim()}`));
    });
  });
  const parsed = parseGoVersion(output);
  if (!parsed) throw new NylonError("NYLON_E_BUILD", `${NEED_GO}; \`${command} version\` printed ${JSON.stringify(output.trim())}`);
  if (parsed.major < MIN_GO.major || (parsed.major === MIN_GO.major && parsed.minor < MIN_GO.minor)) {
    throw new NylonError("NYLON_E_BUILD", `${NEED_GO}; \`${command}\` is ${parsed.version}`);
  }
  return { command, version: parsed.version };
}
