import fs from "node:fs";
import path from "node:path";
import { NylonError } from "../errors.js";

/**
 * Writes a file a proxy reads (a component, its prepared file): write then rename, so a running
 * proxy's reload never reads a half-written file. A file that already holds the same bytes is left
 * as it is. A failure is "cannot write <named>" (the file the user asked for, when this one is
 * written beside it), with the system's reason.
 */
export function writeOutput(output: string, content: Uint8Array, named = output): void {
  const partial = `${output}.partial`;
  try {
    if (fs.statSync(output, { throwIfNoEntry: false })?.size === content.length && Buffer.from(content).equals(fs.readFileSync(output))) return;
    fs.mkdirSync(path.dirname(output), { recursive: true });
    fs.writeFileSync(partial, content);
    fs.renameSync(partial, output);
  } catch (cause) {
    try {
      fs.rmSync(partial, { force: true });
    } catch {
      // there is nothing to remove where nothing could be written
    }
    throw new NylonError("NYLON_E_BUILD", `cannot write ${named}: ${writeFailure(cause as NodeJS.ErrnoException)}`, { cause });
  }
}

/** Why a write failed, in words: Node's message without its code and the syscall on the temporary file. */
function writeFailure(error: NodeJS.ErrnoException): string {
  if (error.code === "EACCES" || error.code === "EPERM") return "permission denied";
  if (error.code === "ENOTDIR") return "a part of the path is a file, not a folder";
  return error.message.replace(/^E[A-Z]+: /, "").replace(/, \w+ '[^']*'(?: -> '[^']*')?$/, "");
}
