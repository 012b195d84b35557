// The resolve hook of module-trace.ts (it runs on the module loader's own thread).
import fs from "node:fs";

let traceFile = "";

export function initialize(data: { traceFile: string }): void {
  traceFile = data.traceFile;
}

export async function resolve(
  specifier: string,
  context: unknown,
  next: (specifier: string, context: unknown) => Promise<{ url: string }>,
): Promise<{ url: string }> {
  fs.appendFileSync(traceFile, `${specifier}\n`);
  return next(specifier, context);
}
