// The resolve hook of without-toolchain.ts.
import { TOOLCHAIN_PACKAGE } from "../../runtime/toolchain.js";

export async function resolve(
  specifier: string,
  context: unknown,
  next: (specifier: string, context: unknown) => Promise<{ url: string }>,
): Promise<{ url: string }> {
  if (TOOLCHAIN_PACKAGE.test(specifier)) {
    throw Object.assign(new Error(`Cannot find package '${specifier}' imported from a test that leaves out the toolchain`), {
      code: "ERR_MODULE_NOT_FOUND",
    });
  }
  return next(specifier, context);
}
