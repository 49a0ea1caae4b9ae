const POINTER_CONTEXT = 60;

export class PolicyParseError extends Error {
  override readonly name = 'PolicyParseError';
  /** 1-based line of `position`; rules are usually one line. */
  readonly line: number;
  /** 1-based column of `position` within its line. */
  readonly column: number;
  /** The offending line with a caret under the offending column. */
  readonly pointer: string;

  constructor(
    message: string,
    readonly rule: string,
    /** 0-based offset into the rule text. */
    readonly position: number,
  ) {
    super(message);
    const lineStart = lineStartOf(rule, position);
    const newline = rule.indexOf('\n', position);
    const lineEnd = newline === -1 ? rule.length : newline;
    this.line = countNewlines(rule, lineStart) + 1;
    this.column = position - lineStart + 1;
    this.pointer = drawPointer(rule.slice(lineStart, lineEnd), position - lineStart);
  }

  override toString(): string {
    return `${this.name}: ${this.message} (line ${this.line}, column ${this.column})\n${this.pointer}`;
  }
}

// lastIndexOf clamps a negative start to 0 and would find a newline at offset 0 itself.
export function lineStartOf(text: string, position: number): number {
  return position === 0 ? 0 : text.lastIndexOf('\n', position - 1) + 1;
}

function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) count++;
  return count;
}

// Long rules are cut around the offending column so that the caret stays on screen.
function drawPointer(line: string, offset: number): string {
  let start = 0;
  let end = line.length;
  if (line.length > 2 * POINTER_CONTEXT) {
    start = Math.max(0, offset - POINTER_CONTEXT);
    end = Math.min(line.length, offset + POINTER_CONTEXT);
  }
  const prefix = start > 0 ? '…' : '';
  const suffix = end < line.length ? '…' : '';
  // Tabs are kept in the caret line so that the caret lines up under a tab-indented rule.
  const padding = (prefix + line.slice(start, offset)).replace(/[^\t]/g, ' ');
  return `${prefix}${line.slice(start, end)}${suffix}\n${padding}^`;
}
