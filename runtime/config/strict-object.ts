// Every configuration object rejects unknown keys, and says which key was probably meant.
import { z } from "zod";
import { closestMatch } from "./suggest.js";

function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const suggestion = closestMatch(key, allowed);
  return suggestion === undefined
    ? `unknown key "${key}" (allowed keys: ${allowed.join(", ")})`
    : `unknown key "${key}" (did you mean "${suggestion}"?)`;
}

/** z.strictObject whose unknown-key error carries a did-you-mean suggestion. */
export function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? issue.keys.map((key) => unknownKeyMessage(key, allowed)).join("; ") : undefined,
  });
}
