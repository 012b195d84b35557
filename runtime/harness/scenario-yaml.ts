import fs from "node:fs";
import { parseDocument } from "yaml";
import { NylonError } from "../errors.js";

/** A YAML file's value; syntax errors name the file, line and column. */
export function loadYamlFile(file: string): unknown {
  const doc = parseDocument(fs.readFileSync(file, "utf8"), { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new NylonError("NYLON_E_CONFIG", `${file}: ${doc.errors.map((e) => e.message).join("\n")}`);
  }
  return doc.toJS();
}
