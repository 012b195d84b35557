// A parsed YAML file that remembers where every node came from, so problems can be reported as file:line:col.
// Parsing is guarded (INPUT_LIMITS): nesting is measured while the parser runs and stops it early, and the
// composed document passes the structural checks of yaml-structure.ts before it is turned into data.
import { Composer, isAlias, isMap, isScalar, isSeq, Lexer, LineCounter, Parser, type Document, type Node } from "yaml";
import type { CST } from "yaml";
import { displayFile, type ConfigIssue } from "./config-error.js";
import { INPUT_LIMITS } from "./input-limits.js";
import { formatKeyPath, type KeyPath } from "./key-path.js";
import { structureProblems } from "./yaml-structure.js";

export interface YamlSource {
  file: string;
  document: Document.Parsed;
  lineCounter: LineCounter;
  /** The document as plain data; an empty file is an empty mapping. */
  data: unknown;
}

function collectionDepth(stack: readonly CST.Token[]): number {
  return stack.filter((token) => token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection").length;
}

/** The parser's tokens, stopping at the first point where collections nest deeper than the limit. */
function* guardedTokens(text: string, lineCounter: LineCounter, tooDeep: { offset: number }): Generator<CST.Token> {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  for (const lexeme of new Lexer().lex(text)) {
    yield* parser.next(lexeme);
    if (parser.stack.length > INPUT_LIMITS.nesting && collectionDepth(parser.stack) > INPUT_LIMITS.nesting) {
      tooDeep.offset = parser.offset;
      return;
    }
  }
  yield* parser.end();
}

function issueAtOffset(source: YamlSource, offset: number, path: KeyPath, message: string): ConfigIssue {
  const position = source.lineCounter.linePos(offset);
  return { file: source.file, line: position.line, column: position.col, path: formatKeyPath(path), message };
}

/** Composes the file's one document (as the yaml library's parseDocument does) from guarded tokens. */
function compose(text: string, lineCounter: LineCounter, tooDeep: { offset: number }): { document: Document.Parsed; extra: Document.Parsed | undefined } {
  // merge: "<<: *defaults" keys, common in hand-written YAML. Keys written twice are found by yaml-structure.ts.
  const composer = new Composer({ merge: true, uniqueKeys: false, prettyErrors: false });
  let document: Document.Parsed | undefined;
  let extra: Document.Parsed | undefined;
  for (const composed of composer.compose(guardedTokens(text, lineCounter, tooDeep), true, text.length)) {
    if (document === undefined) document = composed;
    else {
      extra = composed;
      break;
    }
  }
  return { document: document!, extra };
}

export function parseYamlSource(file: string, text: string): { source: YamlSource; issues: ConfigIssue[] } {
  const lineCounter = new LineCounter();
  const tooDeep = { offset: -1 };
  const { document, extra } = compose(text, lineCounter, tooDeep);
  const source: YamlSource = { file, document, lineCounter, data: {} };
  if (tooDeep.offset >= 0) {
    const message = `collections are nested more than ${INPUT_LIMITS.nesting} levels deep: nylon refuses it`;
    return { source, issues: [issueAtOffset(source, tooDeep.offset, [], message)] };
  }
  const issues = document.errors.map((error) => {
    const message = error.message.split("\n")[0] ?? error.message;
    return issueAtOffset(source, error.pos[0], [], `YAML syntax error: ${message}`);
  });
  if (extra !== undefined) {
    issues.push(issueAtOffset(source, extra.range[0], [], "a second YAML document (after ---): the file must hold one document"));
  }
  if (issues.length > 0) return { source, issues };
  const lineOf = (node: Node) => lineCounter.linePos(node.range?.[0] ?? 0).line;
  for (const problem of structureProblems(document, lineOf)) {
    issues.push(issueAtOffset(source, problem.node.range?.[0] ?? 0, problem.path, problem.message));
  }
  if (issues.length > 0) return { source, issues };
  try {
    // Alias expansion was measured above (INPUT_LIMITS.aliasValues); the library's own count is not needed.
    source.data = document.toJS({ maxAliasCount: -1 }) ?? {};
  } catch (error) {
    // Not expected after the checks above; reported as a problem of the file rather than a crash.
    issues.push(issueAtOffset(source, 0, [], `cannot read the YAML: ${(error as Error).message}`));
  }
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
