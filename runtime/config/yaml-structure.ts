// Checks on a parsed YAML document that the yaml library either does not make or makes in ways a hostile
// file can abuse: keys written twice (the library's own check compares every key with every other, 57 s for
// 80,000 keys; this one keeps a set per mapping), aliases that point nowhere or into themselves, merge keys
// over something other than a mapping, and alias expansion beyond INPUT_LIMITS. All in one walk, linear in
// the written document. The walk recurses: nesting was capped before the document was composed.
import { isAlias, isMap, isPair, isScalar, isSeq, Scalar, type Document, type Node } from "yaml";
import { INPUT_LIMITS } from "./input-limits.js";
import type { KeyPath } from "./key-path.js";

export interface StructureProblem {
  node: Node;
  path: KeyPath;
  message: string;
}

function isMergeKey(key: unknown): boolean {
  if (!isScalar(key) || (key.type !== undefined && key.type !== Scalar.PLAIN)) return false;
  const value = key.value;
  return value === "<<" || (typeof value === "symbol" && value.description === "<<");
}

function keyText(key: unknown): string | undefined {
  return isScalar(key) && typeof key.value !== "symbol" ? String(key.value) : undefined;
}

function describeNode(node: unknown): string {
  if (isSeq(node)) return "a list";
  if (isMap(node)) return "a mapping";
  if (isScalar(node)) return node.value === null ? "null" : `${typeof node.value} ${JSON.stringify(node.value)}`;
  return "nothing";
}

class StructureWalk {
  readonly problems: StructureProblem[] = [];
  /** Anchor name -> the node it was last set on, in document order (what an alias at this point refers to). */
  private readonly anchors = new Map<string, Node>();
  /** Nodes being walked (an alias to one of them would make the document contain itself). */
  private readonly open = new Set<Node>();
  /** Size of each anchored node after expansion, to charge every alias use at its real cost. */
  private readonly expandedSize = new Map<Node, number>();
  private aliasUses = 0;
  private aliasValues = 0;

  constructor(private readonly lineOf: (node: Node) => number) {}

  private report(node: Node, path: KeyPath, message: string): void {
    this.problems.push({ node, path, message });
  }

  /** Walks a node; returns how many values it stands for once aliases are expanded. */
  walk(node: Node, path: KeyPath): number {
    if (isAlias(node)) return this.alias(node, path);
    if (node.anchor) this.anchors.set(node.anchor, node);
    this.open.add(node);
    let size = 1;
    if (isMap(node)) size += this.mapping(node.items, path);
    else if (isSeq(node)) node.items.forEach((item, index) => (size += this.walk(item as Node, [...path, index])));
    this.open.delete(node);
    if (node.anchor) this.expandedSize.set(node, size);
    return size;
  }

  private mapping(pairs: readonly unknown[], path: KeyPath): number {
    const seen = new Map<string, Node>();
    let size = 0;
    for (const pair of pairs) {
      if (!isPair(pair)) continue;
      const key = pair.key as Node | null;
      const value = pair.value as Node | null;
      const name = keyText(key);
      if (key !== null) size += this.walk(key, path);
      if (isMergeKey(key)) {
        if (value !== null) this.checkMergeSource(value, [...path, "<<"]);
      } else if (name !== undefined && key !== null) {
        const first = seen.get(name);
        if (first === undefined) seen.set(name, key);
        else this.report(key, [...path, name], `key "${name}" is written twice in this mapping (first at line ${this.lineOf(first)})`);
      }
      if (value !== null) size += this.walk(value, name === undefined ? path : [...path, name]);
    }
    return size;
  }

  private alias(node: Node & { source: string }, path: KeyPath): number {
    const target = this.anchors.get(node.source);
    if (target === undefined) {
      this.report(node, path, `alias *${node.source} refers to no anchor: define &${node.source} before it`);
      return 1;
    }
    if (this.open.has(target)) {
      this.report(node, path, `alias *${node.source} is inside the value it refers to (the document would contain itself)`);
      return 1;
    }
    const size = this.expandedSize.get(target) ?? 1;
    this.aliasUses++;
    if (this.aliasUses === INPUT_LIMITS.aliases + 1) {
      this.report(node, path, `more than ${INPUT_LIMITS.aliases} aliases in one file: nylon refuses it (write the values out, or split the file)`);
    }
    const before = this.aliasValues;
    this.aliasValues += size;
    if (before <= INPUT_LIMITS.aliasValues && this.aliasValues > INPUT_LIMITS.aliasValues) {
      this.report(
        node,
        path,
        `aliases expand this file by more than ${INPUT_LIMITS.aliasValues} values (alias *${node.source} adds ${size}): nylon refuses it as a resource-exhaustion attack`,
      );
    }
    return size;
  }

  /** `<<:` takes a mapping, an alias of one, or a list of those. */
  private checkMergeSource(value: Node, path: KeyPath): void {
    const sources = isSeq(value) ? (value.items as Node[]) : [value];
    for (const source of sources) {
      const resolved = isAlias(source) ? this.anchors.get(source.source) : source;
      if (resolved !== undefined && !isMap(resolved)) {
        this.report(source, path, `a merge key (<<) takes a mapping or a list of mappings to merge, got ${describeNode(resolved)}`);
      }
    }
  }

}

/** Every structural problem of a composed document, in document order. `lineOf` turns a node into its line number. */
export function structureProblems(document: Document.Parsed, lineOf: (node: Node) => number): StructureProblem[] {
  const walk = new StructureWalk(lineOf);
  if (document.contents !== null) walk.walk(document.contents as Node, []);
  return walk.problems;
}
