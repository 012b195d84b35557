// Limits on what nylon reads as YAML (configurations and harness scenarios). A real configuration is far
// below each; input beyond them is refused with a message naming the limit, before it can exhaust the
// process (a YAML "billion laughs", /dev/zero, thousands of nested brackets). docs/configuration.md lists them.
export const INPUT_LIMITS = {
  /** Bytes of one file. */
  fileBytes: 1024 * 1024,
  /** Collections (mappings, lists) inside one another. */
  nesting: 64,
  /** Alias uses (`*name`) in one file. */
  aliases: 1000,
  /** Values that alias expansion may add to one file. */
  aliasValues: 100_000,
} as const;
