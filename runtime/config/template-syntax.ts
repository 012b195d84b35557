// Parses the text of a templated string: literal text with `${expression}` parts (reference §4).
// Grammar of an expression: 'literal' | "literal" | word | word(expression, ...).
// Unlike Nylon, a quoted literal may contain "}" and an unclosed "${" is an error, not silently dropped.

export type TemplateExpression =
  | { kind: "literal"; value: string }
  | { kind: "word"; name: string }
  | { kind: "call"; name: string; args: TemplateExpression[] };

export type TemplatePart = string | TemplateExpression;

export class TemplateSyntaxError extends Error {
  override name = "TemplateSyntaxError";
}

const WORD_CHAR = /[A-Za-z0-9_.\-]/;

class ExpressionReader {
  position: number;
  constructor(readonly text: string, start: number) {
    this.position = start;
  }

  fail(expected: string): never {
    const found = this.position < this.text.length ? `"${this.text[this.position]}"` : "the end of the string";
    throw new TemplateSyntaxError(`expected ${expected} at character ${this.position + 1}, found ${found}`);
  }

  skipSpaces(): void {
    while (this.text[this.position] === " " || this.text[this.position] === "\t") this.position++;
  }

  expression(): TemplateExpression {
    this.skipSpaces();
    const quote = this.text[this.position];
    if (quote === "'" || quote === '"') return this.quoted(quote);
    const name = this.word();
    this.skipSpaces();
    if (this.text[this.position] !== "(") return { kind: "word", name };
    this.position++;
    return { kind: "call", name, args: this.argumentsUntilClose() };
  }

  private quoted(quote: string): TemplateExpression {
    const end = this.text.indexOf(quote, this.position + 1);
    if (end < 0) this.fail(`a closing ${quote}`);
    const value = this.text.slice(this.position + 1, end);
    this.position = end + 1;
    return { kind: "literal", value };
  }

  private word(): string {
    const start = this.position;
    while (this.position < this.text.length && WORD_CHAR.test(this.text[this.position] ?? "")) this.position++;
    if (this.position === start) this.fail("a name, a function call or a quoted 'literal'");
    return this.text.slice(start, this.position);
  }

  private argumentsUntilClose(): TemplateExpression[] {
    const args: TemplateExpression[] = [];
    this.skipSpaces();
    if (this.text[this.position] === ")") {
      this.position++;
      return args;
    }
    for (;;) {
      args.push(this.expression());
      this.skipSpaces();
      const separator = this.text[this.position];
      this.position++;
      if (separator === ")") return args;
      if (separator !== ",") {
        this.position--;
        this.fail('"," or ")"');
      }
    }
  }
}

/** Splits a string into literal text and parsed `${...}` expressions. */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let cursor = 0;
  for (let start = text.indexOf("${"); start >= 0; start = text.indexOf("${", cursor)) {
    if (start > cursor) parts.push(text.slice(cursor, start));
    const reader = new ExpressionReader(text, start + 2);
    parts.push(reader.expression());
    reader.skipSpaces();
    if (text[reader.position] !== "}") reader.fail('"}" to close "${"');
    cursor = reader.position + 1;
  }
  if (cursor < text.length) parts.push(text.slice(cursor));
  return parts;
}

/** True when the string contains a `${` and therefore must be compiled. */
export function isTemplated(text: string): boolean {
  return text.includes("${");
}
