// A parsed YAML file that remembers where every node came from, so problems can be reported as file:line:col.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { displayFile, type ConfigIssue } from "./config-error.js";
import { formatKeyPath, type KeyPath } from "./key-path.js";

export interface YamlSource {
  file: string;
  document: Document.Parsed;
  lineCounter: LineCounter;
  /** The document as plain data; an empty file is an empty mapping. */
  data: unknown;
}

export function parseYamlSource(file: string, text: string): { source: YamlSource; issues: ConfigIssue[] } {
  const lineCounter = new LineCounter();
  // merge: "<<: *defaults" keys, common in hand-written YAML; uniqueKeys: a key written twice is an error.
  const document = parseDocument(text, { lineCounter, merge: true, uniqueKeys: true, prettyErrors: false });
  const source: YamlSource = { file, document, lineCounter, data: {} };
  const issues = document.errors.map((error): ConfigIssue => {
    const position = lineCounter.linePos(error.pos[0]);
    const message = error.message.split("\n")[0] ?? error.message;
    return { file, line: position.line, column: position.col, path: "", message: `YAML syntax error: ${message}` };
  });
  if (issues.length === 0) source.data = document.toJS({ maxAliasCount: 1000 }) ?? {};
  return { source, issues };
}

interface Located {
  node: Node | undefined;
  /** The key of the last mapping entry reached, for problems about a key itself. */
  key: Node | undefined;
  /** The last node reached, for paths that end at a key that is not written. */
  nearest: Node | undefined;
}

function locate(source: YamlSource, path: KeyPath): Located {
  let node = source.document.contents as Node | null | undefined;
  let key: Node | undefined;
  let nearest = node ?? undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(source.document) as Node | undefined;
    if (isMap(node)) {
      const pair = node.items.find((item) => (isScalar(item.key) ? String(item.key.value) : String(item.key)) === String(segment));
      if (pair === undefined) return { node: undefined, key: undefined, nearest };
      key = pair.key as Node;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof segment === "number") {
      key = undefined;
      node = node.items[segment] as Node | undefined;
    } else {
      return { node: undefined, key: undefined, nearest };
    }
    nearest = node ?? key ?? nearest;
  }
  return { node: node ?? undefined, key, nearest };
}

export interface IssueOptions {
  /** Point at the key rather than its value (unknown keys, duplicate names). */
  atKey?: boolean;
}

/** A ConfigIssue located at a key path of this file (the nearest written node when the key is missing). */
export function issueAt(source: YamlSource, path: KeyPath, message: string, options: IssueOptions = {}): ConfigIssue {
  const found = locate(source, path);
  const node = (options.atKey ? found.key : undefined) ?? found.node ?? found.key ?? found.nearest;
  const position = source.lineCounter.linePos(node?.range?.[0] ?? 0);
  return { file: source.file, line: position.line, column: position.col, path: formatKeyPath(path), message };
}

/** The line:column of a key path, for messages that point at a second place. */
export function placeOf(source: YamlSource, path: KeyPath, options: IssueOptions = {}): string {
  const issue = issueAt(source, path, "", options);
  return `${displayFile(issue.file)}:${issue.line}:${issue.column}`;
}
