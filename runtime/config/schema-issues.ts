// Turns zod's validation issues into ConfigIssues that say what was expected, at the right line of the file.
import type { z } from "zod";
import type { ConfigIssue } from "./config-error.js";
import { didYouMean } from "./suggest.js";
import { issueAt, type YamlSource } from "./yaml-source.js";

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

function describeExpected(expected: string): string {
  const names: Record<string, string> = { object: "a mapping", array: "a list", int: "an integer" };
  return names[expected] ?? expected;
}

function lastKey(path: readonly PropertyKey[]): string {
  return String(path[path.length - 1] ?? "");
}

function oneOf(values: readonly unknown[], input: unknown): string {
  const listed = values.map((value) => JSON.stringify(value)).join(", ");
  const hint = typeof input === "string" ? didYouMean(input, values.map(String)) : "";
  return values.length === 1 ? `expected ${listed}, got ${describeValue(input)}${hint}` : `expected one of ${listed}, got ${describeValue(input)}${hint}`;
}

function bound(issue: { origin: string; inclusive?: boolean }, limit: number | bigint, direction: "least" | "most"): string {
  switch (issue.origin) {
    case "array":
      return `needs at ${direction} ${limit} item(s)`;
    case "string":
      return direction === "least" && Number(limit) === 1 ? "must not be empty" : `needs at ${direction} ${limit} character(s)`;
    default:
      if (issue.inclusive === false) return `must be ${direction === "least" ? "greater" : "less"} than ${limit}`;
      return `must be at ${direction} ${limit}`;
  }
}

/** zod error map: plain-language messages for zod's built-in checks. Messages set in the schema take precedence. */
export const describeSchemaIssue: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined
        ? `missing required key "${lastKey(issue.path ?? [])}" (expected ${describeExpected(issue.expected)})`
        : `expected ${describeExpected(issue.expected)}, got ${describeValue(issue.input)}`;
    case "invalid_value":
      return oneOf(issue.values, issue.input);
    case "too_small":
      return bound(issue, issue.minimum, "least");
    case "too_big":
      return bound(issue, issue.maximum, "most");
    case "invalid_format":
      return `expected ${issue.format}${issue.pattern ? ` matching ${issue.pattern}` : ""}, got ${describeValue(issue.input)}`;
    case "invalid_union":
      if (issue.discriminator !== undefined) {
        const given = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator];
        const options = (issue.options ?? []) as readonly unknown[];
        return given === undefined
          ? `missing required key "${issue.discriminator}" (expected one of ${options.map((option) => JSON.stringify(option)).join(", ")})`
          : oneOf(options, given);
      }
      return undefined;
    default:
      return undefined;
  }
};

/**
 * A failed union is reported through the alternative that came closest: the fewest problems, then the deepest
 * one (it matched more of the value). When every alternative refused the value's type, the union's own message
 * says which shapes are accepted. Issues inside a union have paths relative to it, hence the prefixing.
 */
function flattenUnions(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return [issue];
  const wrongTypeEverywhere = issue.errors.every((branch) => branch.every((inner) => inner.path.length === 0 && inner.code === "invalid_type"));
  if (wrongTypeEverywhere) return [issue];
  const depth = (branch: readonly z.core.$ZodIssue[]) => Math.max(...branch.map((inner) => inner.path.length));
  const closest = issue.errors.reduce((best, branch) =>
    branch.length < best.length || (branch.length === best.length && depth(branch) > depth(best)) ? branch : best,
  );
  return closest.flatMap((inner) => flattenUnions({ ...inner, path: [...issue.path, ...inner.path] }));
}

/** ConfigIssues for a zod error, positioned in the YAML source that was validated. */
export function schemaIssues(source: YamlSource, error: z.core.$ZodError): ConfigIssue[] {
  return error.issues.flatMap(flattenUnions).map((issue) => {
    if (issue.code === "unrecognized_keys") {
      // Point at the first unknown key; the message names every one of them.
      return issueAt(source, [...issue.path, issue.keys[0] ?? ""], issue.message, { atKey: true });
    }
    return issueAt(source, issue.path, issue.message);
  });
}
