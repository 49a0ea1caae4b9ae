import { PolicyParseError } from './policy-parse-error.js';
import { COMPARISON_OPERATORS, type ArithmeticOperator, type ComparisonOperator } from './policy-rule.js';

export type Token =
  | { readonly type: 'number'; readonly value: number; readonly start: number; readonly end: number }
  | { readonly type: 'string'; readonly value: string; readonly start: number; readonly end: number }
  | { readonly type: 'name'; readonly text: string; readonly start: number; readonly end: number }
  | { readonly type: 'comparison'; readonly operator: ComparisonOperator; readonly start: number; readonly end: number }
  | { readonly type: 'arithmetic'; readonly operator: ArithmeticOperator; readonly start: number; readonly end: number }
  | { readonly type: '(' | ')' | ','; readonly start: number; readonly end: number }
  | { readonly type: 'end'; readonly start: number; readonly end: number };

const OPERATOR_HINTS: Readonly<Record<string, string>> = {
  '=': "use '==' to compare",
  '===': "use '==' to compare",
  '!==': "use '!=' to compare",
  '<>': "use '!=' for 'not equal'",
  '=<': "use '<='",
  '=>': "use '>='",
  '!': "use 'not' to negate a condition",
};

/** Reads one token at a time, so that the leftmost problem in a rule is the one reported. */
export class Lexer {
  private offset = 0;

  constructor(private readonly text: string) {}

  next(): Token {
    this.skipWhitespace();
    const start = this.offset;
    if (start >= this.text.length) return { type: 'end', start, end: start };
    const char = this.text[start];
    if (isDigit(char) || (char === '.' && isDigit(this.text[start + 1] ?? ''))) return this.readNumber();
    if (isNameStart(char)) return this.readName();
    if (char === '"') return this.readString();
    if (isOperatorChar(char)) return this.readComparison();
    this.offset++;
    switch (char) {
      case '+':
      case '-':
      case '*':
      case '/':
        return { type: 'arithmetic', operator: char, start, end: this.offset };
      case '(':
      case ')':
      case ',':
        return { type: char, start, end: this.offset };
      case "'":
        throw this.error('strings take double quotes, e.g. "content_filter"', start);
      case '≤':
      case '≥':
      case '≠':
        throw this.error(`unexpected character '${char}'; use ${{ '≤': "'<='", '≥': "'>='", '≠': "'!='" }[char]}`, start);
      default:
        throw this.error(`unexpected character '${this.text.slice(start, start + charLength(this.text, start))}'`, start);
    }
  }

  private skipWhitespace(): void {
    while (this.offset < this.text.length && /\s/.test(this.text[this.offset])) this.offset++;
  }

  private readNumber(): Token {
    const start = this.offset;
    this.skipDigits();
    if (this.text[this.offset] === '.') {
      this.offset++;
      if (!isDigit(this.text[this.offset] ?? '')) throw this.error("expected a digit after '.'", this.offset);
      this.skipDigits();
    }
    const exponent = this.text[this.offset];
    if (exponent === 'e' || exponent === 'E') {
      this.offset++;
      const sign = this.text[this.offset];
      if (sign === '+' || sign === '-') this.offset++;
      if (!isDigit(this.text[this.offset] ?? '')) throw this.error('expected the digits of the exponent', this.offset);
      this.skipDigits();
    }
    const value = Number(this.text.slice(start, this.offset));
    if (!Number.isFinite(value)) throw this.error('number out of range', start);
    return { type: 'number', value, start, end: this.offset };
  }

  private skipDigits(): void {
    while (isDigit(this.text[this.offset] ?? '')) this.offset++;
  }

  // Signal names are dotted paths (eval.faithfulness.score); segments after the first may start
  // with a digit because some conventions index arrays that way (llm.output_messages.0.content).
  private readName(): Token {
    const start = this.offset;
    this.offset++;
    for (;;) {
      while (isNameChar(this.text[this.offset] ?? '')) this.offset++;
      if (this.text[this.offset] !== '.') break;
      this.offset++;
      if (!isNameChar(this.text[this.offset] ?? '')) throw this.error("expected a name after '.'", this.offset);
    }
    return { type: 'name', text: this.text.slice(start, this.offset), start, end: this.offset };
  }

  private readString(): Token {
    const start = this.offset;
    let value = '';
    this.offset++;
    for (;;) {
      if (this.offset >= this.text.length) throw this.error('unterminated string', start);
      const char = this.text[this.offset];
      if (char === '"') break;
      if (char === '\\') {
        const escaped = this.text[this.offset + 1];
        if (escaped !== '"' && escaped !== '\\') {
          throw this.error('unknown escape in string; only \\" and \\\\ are allowed', this.offset);
        }
        value += escaped;
        this.offset += 2;
        continue;
      }
      value += char;
      this.offset++;
    }
    this.offset++;
    return { type: 'string', value, start, end: this.offset };
  }

  // Reads the whole run of operator characters, so that `<==` is reported as one bad operator
  // rather than as a valid `<=` followed by a puzzling stray `=`.
  private readComparison(): Token {
    const start = this.offset;
    while (isOperatorChar(this.text[this.offset] ?? '')) this.offset++;
    const run = this.text.slice(start, this.offset);
    const operator = COMPARISON_OPERATORS.find((candidate) => candidate === run);
    if (operator === undefined) {
      const hint = OPERATOR_HINTS[run] ?? `use one of ${COMPARISON_OPERATORS.join(' ')}`;
      throw this.error(`unknown operator '${run}'; ${hint}`, start);
    }
    return { type: 'comparison', operator, start, end: this.offset };
  }

  private error(message: string, position: number): PolicyParseError {
    return new PolicyParseError(message, this.text, position);
  }
}

function isDigit(char: string): boolean {
  return char >= '0' && char <= '9';
}

function isNameStart(char: string): boolean {
  return (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z') || char === '_';
}

function isNameChar(char: string): boolean {
  return isNameStart(char) || isDigit(char);
}

function isOperatorChar(char: string): boolean {
  return char === '<' || char === '>' || char === '=' || char === '!';
}

function charLength(text: string, offset: number): number {
  const code = text.codePointAt(offset) ?? 0;
  return code > 0xffff ? 2 : 1;
}
