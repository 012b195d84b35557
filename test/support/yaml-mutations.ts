// Careless and hostile edits of a YAML file, for property tests: each mutation changes one line the way a
// person (or a fuzzer) would - delete, duplicate, re-indent or swap lines, swap a value's type, put a number
// out of range, misspell a key or a name, break a path, an address or a duration, point a file elsewhere.
// Deterministic for a given seed, so a failure can be replayed.

/** mulberry32: small, fast, and good enough to spread mutations over a file. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Mutation {
  text: string;
  /** What was done, to reproduce a failure: "line 7: misspelt key service -> servcie". */
  description: string;
}

/** Values a key may be given instead of the right one, by what the key holds. */
export interface ValueCandidates {
  /** Replacement values for a key's value when its name matches (first matching rule wins). */
  byKey: [RegExp, string[]][];
  /** Replacements for any value (type swaps). */
  any: string[];
}

const KEY_VALUE = /([A-Za-z_][\w-]*):\s+("[^"]*"|'[^']*'|[^,{}\[\]\n#]+?)(?=\s*(?:,|}|$|#))/g;
const KEY = /([A-Za-z_][\w-]*):(?=\s|$)/g;

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function misspell(random: () => number, word: string): string {
  const at = Math.floor(random() * word.length);
  switch (Math.floor(random() * 3)) {
    case 0:
      return word.length > 1 ? word.slice(0, at) + word.slice(at + 1) : `${word}x`;
    case 1:
      return word.slice(0, at) + word[at] + word.slice(at);
    default:
      return at + 1 < word.length ? word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2) : `${word}e`;
  }
}

/** Indexes of the lines that hold something (not blank, not only a comment). */
function contentLines(lines: readonly string[]): number[] {
  return lines.flatMap((line, index) => (line.trim() === "" || line.trim().startsWith("#") ? [] : [index]));
}

/** One mutation of `text`; `candidates` supplies the values that suit each key. */
export function mutate(text: string, random: () => number, candidates: ValueCandidates): Mutation {
  const lines = text.split("\n");
  const targets = contentLines(lines);
  const index = pick(random, targets);
  const line = lines[index]!;
  const done = (description: string) => ({ text: lines.join("\n"), description: `line ${index + 1}: ${description}` });
  const kind = Math.floor(random() * 8);
  if (kind === 0) {
    lines.splice(index, 1);
    return done("deleted");
  }
  if (kind === 1) {
    lines.splice(index, 0, line);
    return done("duplicated");
  }
  if (kind === 2) {
    lines[index] = random() < 0.5 ? `  ${line}` : line.replace(/^ {1,2}/, "");
    return done("re-indented");
  }
  if (kind === 3 && index + 1 < lines.length) {
    [lines[index], lines[index + 1]] = [lines[index + 1]!, line];
    return done("swapped with the next line");
  }
  const pairs = [...line.matchAll(KEY_VALUE)];
  if (kind === 4) {
    const keys = [...line.matchAll(KEY)];
    if (keys.length > 0) {
      const key = pick(random, keys);
      const wrong = misspell(random, key[1]!);
      lines[index] = line.slice(0, key.index) + wrong + line.slice(key.index + key[1]!.length);
      return done(`misspelt key ${key[1]} -> ${wrong}`);
    }
  }
  if (pairs.length > 0) {
    const pair = pick(random, pairs);
    const [whole, key, value] = pair as unknown as [string, string, string];
    const rule = candidates.byKey.find(([pattern]) => pattern.test(key));
    let replacement: string;
    if (kind === 5 || rule === undefined) replacement = pick(random, candidates.any);
    else if (kind === 6 && /^[\w.-]+$/.test(value)) replacement = misspell(random, value);
    else replacement = pick(random, rule[1]);
    const at = pair.index! + whole.length - value.length;
    lines[index] = line.slice(0, at) + replacement + line.slice(at + value.length);
    return done(`${key}: ${value} -> ${replacement}`);
  }
  // A quoted string that is not a key's whole value (an item of a flow list): the candidates of the line's key
  // (`http: ["..."]`, `expected_statuses: ["..."]`), or of an address when the line has no key.
  const quoted = [...line.matchAll(/"[^"]*"/g)];
  if (quoted.length > 0) {
    const target = pick(random, quoted);
    const lineKey = /([A-Za-z_][\w-]*):(?=\s)/.exec(line)?.[1] ?? "address";
    const rule = candidates.byKey.find(([pattern]) => pattern.test(lineKey)) ?? candidates.byKey.find(([pattern]) => pattern.test("address"));
    const replacement = pick(random, rule?.[1] ?? candidates.any);
    lines[index] = line.slice(0, target.index) + replacement + line.slice(target.index! + target[0].length);
    return done(`${target[0]} -> ${replacement}`);
  }
  lines.splice(index, 1);
  return done("deleted");
}

/**
 * One mutation per value that `candidates.byKey` has a rule for, in order: every such key of `text` gets a wrong
 * value at least once, whatever the random mutations happen to pick.
 */
export function mutateEveryKey(text: string, random: () => number, candidates: ValueCandidates): Mutation[] {
  const lines = text.split("\n");
  const mutations: Mutation[] = [];
  lines.forEach((line, index) => {
    for (const pair of line.matchAll(KEY_VALUE)) {
      const [whole, key, value] = pair as unknown as [string, string, string];
      const rule = candidates.byKey.find(([pattern]) => pattern.test(key));
      if (rule === undefined) continue;
      const replacement = pick(random, rule[1].filter((candidate) => candidate !== value));
      const at = pair.index! + whole.length - value.length;
      const edited = [...lines];
      edited[index] = line.slice(0, at) + replacement + line.slice(at + value.length);
      mutations.push({ text: edited.join("\n"), description: `line ${index + 1}: ${key}: ${value} -> ${replacement}` });
    }
  });
  return mutations;
}
