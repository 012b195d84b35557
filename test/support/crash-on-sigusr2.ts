// Preloaded into a nylon process by a test (NODE_OPTIONS=--import) to stand for a bug that escapes
// every handler: on SIGUSR2 the process throws from a timer callback, an uncaught exception.
process.on("SIGUSR2", () => {
  setImmediate(() => {
    throw new Error("a bug that escapes every handler (test/support/crash-on-sigusr2)");
  });
});
