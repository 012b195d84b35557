// One error for a configuration that cannot be used, listing every problem found, each with its place.
import path from "node:path";
import { NylonError, type ErrorCode } from "../errors.js";

export interface ConfigIssue {
  /** Absolute path of the file. */
  file: string;
  /** 1-based; 0 when the problem concerns the whole file (it cannot be read). */
  line: number;
  column: number;
  /** Key path inside the file, such as routes[0].paths[1].service.name; "" for the document itself. */
  path: string;
  message: string;
}

/** The file as a person would type it: relative to the working directory when inside it. */
export function displayFile(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

export function formatConfigIssue(issue: ConfigIssue): string {
  const place = issue.line > 0 ? `${displayFile(issue.file)}:${issue.line}:${issue.column}` : displayFile(issue.file);
  return issue.path === "" ? `${place}: ${issue.message}` : `${place} ${issue.path}: ${issue.message}`;
}

export class ConfigError extends NylonError {
  readonly issues: readonly ConfigIssue[];
  /** `subject` names what was read: the configuration, or a harness scenario. */
  constructor(issues: readonly ConfigIssue[], code: Extract<ErrorCode, "NYLON_E_CONFIG" | "NYLON_E_CONFIG_READ"> = "NYLON_E_CONFIG", subject = "configuration") {
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    const heading = code === "NYLON_E_CONFIG_READ" ? `cannot read the ${subject}` : `invalid ${subject} (${count})`;
    super(code, `${heading}:\n${issues.map((issue) => `  ${formatConfigIssue(issue)}`).join("\n")}`);
    this.name = "ConfigError";
    this.issues = issues;
  }
}
