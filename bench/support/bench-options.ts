// Every bench command's options: `--help` prints what it measures and its options, an unknown option
// or a stray argument is refused with that same text (a bench never takes `--help` as a duration).
import { parseArgs } from "node:util";

export interface BenchOption {
  /** Shown in --help; the value's default. */
  default?: string;
  /** Set when the option takes no value (a switch). */
  flag?: true;
  description: string;
}

/** `--workers 1,2` as given to the benches that measure nylon at several worker counts. */
export function workerCounts(text: string): number[] {
  const counts = text.split(",").map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) {
    process.stderr.write(`--workers takes whole numbers of 1 or more, comma-separated: ${text}\n`);
    process.exit(2);
  }
  return counts;
}

/** Parses `process.argv` for a bench described by `summary`; exits (0 on --help, 2 on a mistake) when it should not run. */
export function benchOptions<T extends Record<string, BenchOption>>(
  command: string,
  summary: string,
  options: T,
): { [K in keyof T]: T[K]["flag"] extends true ? boolean : string } {
  const usage = [
    `usage: node dist/bench/${command}.js [options]`,
    "",
    summary,
    "",
    "options:",
    ...Object.entries(options).map(([name, o]) => `  --${name}${o.flag ? "" : " <value>"}`.padEnd(26) + `${o.description}${o.default !== undefined ? ` (default ${o.default})` : ""}`),
    "  --help".padEnd(26) + "print this and exit",
  ].join("\n");
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      options: {
        help: { type: "boolean" },
        ...Object.fromEntries(Object.entries(options).map(([name, o]) => [name, o.flag ? { type: "boolean" as const } : { type: "string" as const }])),
      },
      allowPositionals: false,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${usage}\n`);
    process.exit(2);
  }
  if (values["help"]) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return Object.fromEntries(
    Object.entries(options).map(([name, o]) => [name, o.flag ? values[name] === true : (values[name] as string | undefined) ?? o.default]),
  ) as never;
}
