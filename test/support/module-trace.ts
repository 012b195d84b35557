// Preloaded with `node --import <this file>` (NYLON_MODULE_TRACE=<file>): appends every module the
// process asks for, one a line, as it asks: ES module specifiers (through a resolve hook) and
// require() requests. A test reads the file to see which packages a process loaded.
import fs from "node:fs";
import Module, { register } from "node:module";

const traceFile = process.env["NYLON_MODULE_TRACE"];
if (!traceFile) throw new Error("module-trace: set NYLON_MODULE_TRACE to the file to write");
register(new URL("./module-trace-hooks.js", import.meta.url), { data: { traceFile } });

// require() does not pass through the resolve hook on every Node version this project runs on.
const loader = Module as unknown as { _load(request: string, ...rest: unknown[]): unknown };
const load = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  fs.appendFileSync(traceFile, `${request}\n`);
  return load.call(this, request, ...rest);
};
