// Turns zod's validation issues into ConfigIssues that say what was expected, at the right line of the file.
import type { z } from "zod";
import type { ConfigIssue } from "./config-error.js";
import { closestMatch, didYouMean } from "./suggest.js";
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

function unknownRootKeys(branch: readonly z.core.$ZodIssue[]): number {
  return branch.reduce((count, inner) => count + (inner.code === "unrecognized_keys" && inner.path.length === 0 ? inner.keys.length : 0), 0);
}

function depth(branch: readonly z.core.$ZodIssue[]): number {
  return Math.max(...branch.map((inner) => inner.path.length));
}

/**
 * A failed union is reported through the alternative that fits the value best: the one that knows the most
 * of its keys, then the fewest problems, then the deepest one (it matched more of the value). When several
 * alternatives fit equally well, or every one refused the value's type, the union's own message says which
 * shapes are accepted. Issues inside a union have paths relative to it, hence the prefixing.
 */
function flattenUnions(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return [issue];
  const wrongTypeEverywhere = issue.errors.every((branch) => branch.every((inner) => inner.path.length === 0 && inner.code === "invalid_type"));
  if (wrongTypeEverywhere) return [issue];
  const score = (branch: readonly z.core.$ZodIssue[]) => [unknownRootKeys(branch), branch.length, -depth(branch)];
  const compare = (a: readonly z.core.$ZodIssue[], b: readonly z.core.$ZodIssue[]) => {
    const [x, y] = [score(a), score(b)];
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
  };
  const ranked = [...issue.errors].sort(compare);
  if (ranked.length > 1 && compare(ranked[0]!, ranked[1]!) === 0) return [issue];
  return ranked[0]!.flatMap((inner) => flattenUnions({ ...inner, path: [...issue.path, ...inner.path] }));
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment as string];
  }
  return value;
}

const samePath = (a: readonly PropertyKey[], b: readonly PropertyKey[]) => a.length === b.length && a.every((segment, index) => segment === b[index]);

/** The key a "missing required key" issue is about, with the path of the mapping that lacks it. */
function missingKey(issue: z.core.$ZodIssue, data: unknown): { owner: PropertyKey[]; key: string } | undefined {
  // zod puts the discriminator's key at the end of the path of a discriminated union's issue.
  const keyed = issue.code === "invalid_type" || (issue.code === "invalid_union" && issue.discriminator !== undefined);
  if (!keyed || issue.path.length === 0) return undefined;
  const owner = issue.path.slice(0, -1);
  const container = valueAt(data, owner);
  const key = String(issue.path[issue.path.length - 1]);
  const absent = container !== null && typeof container === "object" && !Array.isArray(container) && !Object.hasOwn(container, key);
  return absent ? { owner, key } : undefined;
}

/**
 * A required key that is missing because it was misspelt is one problem, reported once at the misspelt key
 * (where the eye should go), not a second time at the mapping that lacks it. zod reports the misspelt key
 * itself unless a discriminated union stopped at the missing discriminator; then it is reported here.
 */
function mergeTypos(issues: z.core.$ZodIssue[], data: unknown): z.core.$ZodIssue[] {
  const unknownAt = (owner: readonly PropertyKey[]) =>
    issues.flatMap((issue) => (issue.code === "unrecognized_keys" && samePath(issue.path, owner) ? issue.keys : []));
  return issues.flatMap((issue): z.core.$ZodIssue[] => {
    const missing = missingKey(issue, data);
    if (missing === undefined) return [issue];
    const reported = unknownAt(missing.owner);
    const candidates = issue.code === "invalid_union" ? Object.keys(valueAt(data, missing.owner) as object) : reported;
    const typo = candidates.find((key) => key !== missing.key && closestMatch(key, [missing.key]) === missing.key);
    if (typo === undefined) return [issue];
    if (reported.includes(typo)) return [];
    const message = `unknown key "${typo}" (did you mean "${missing.key}"?)`;
    return [{ code: "unrecognized_keys", keys: [typo], path: missing.owner, message, input: undefined }];
  });
}

/** ConfigIssues for a zod error, positioned in the YAML source that was validated. */
export function schemaIssues(source: YamlSource, error: z.core.$ZodError): ConfigIssue[] {
  return mergeTypos(error.issues.flatMap(flattenUnions), source.data).map((issue) => {
    if (issue.code === "unrecognized_keys") {
      // Point at the first unknown key; the message names every one of them.
      return issueAt(source, [...issue.path, issue.keys[0] ?? ""], issue.message, { atKey: true });
    }
    return issueAt(source, issue.path, issue.message);
  });
}
