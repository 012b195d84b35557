// The resolve hook of without-toolchain.ts.
const TOOLCHAIN = /^(typescript|rolldown|componentize-qjs|jco-legacy|@bytecodealliance\/.*)$/;

export async function resolve(
  specifier: string,
  context: unknown,
  next: (specifier: string, context: unknown) => Promise<{ url: string }>,
): Promise<{ url: string }> {
  if (TOOLCHAIN.test(specifier)) {
    throw Object.assign(new Error(`Cannot find package '${specifier}' (not installed in this test)`), { code: "ERR_MODULE_NOT_FOUND" });
  }
  return next(specifier, context);
}
