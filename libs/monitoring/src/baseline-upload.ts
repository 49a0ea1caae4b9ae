import { badInput } from '@assay/common';

export type UploadFormat = 'json' | 'jsonl' | 'csv';
export type SignalColumns = Map<string, Array<number | string | boolean>>;

const SIGNAL_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;
export const MAX_UPLOAD_SIGNALS = 200;

function addValue(columns: SignalColumns, signal: string, value: unknown, where: string): void {
  if (value === null || value === undefined || value === '') return;
  if (!SIGNAL_NAME.test(signal)) throw badInput(`${where}: "${signal}" is not a valid signal name`);
  if (typeof value === 'number' && !Number.isFinite(value)) throw badInput(`${where}: ${signal} is not a finite number`);
  if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'boolean') {
    throw badInput(`${where}: ${signal} must be a number, a string or a boolean`);
  }
  let column = columns.get(signal);
  if (!column) {
    if (columns.size >= MAX_UPLOAD_SIGNALS) throw badInput(`at most ${MAX_UPLOAD_SIGNALS} signals per baseline`);
    column = [];
    columns.set(signal, column);
  }
  column.push(value);
}

function fromRows(rows: unknown[], describe: (i: number) => string): SignalColumns {
  const columns: SignalColumns = new Map();
  rows.forEach((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw badInput(`${describe(i)}: must be an object of signal values`);
    for (const [signal, value] of Object.entries(row)) addValue(columns, signal, value, describe(i));
  });
  return columns;
}

function parseCsvLine(line: string, lineNumber: number): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  if (quoted) throw badInput(`line ${lineNumber}: unterminated quoted value`);
  cells.push(cell);
  return cells;
}

function csvValue(cell: string): number | string {
  const trimmed = cell.trim();
  return trimmed !== '' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/**
 * An evaluation set: `{"signals": {"name": [values]}}` or `{"samples": [{...}]}` as JSON, one object per
 * line as JSONL, or CSV with a header row of signal names. Empty cells and nulls are absent values.
 */
export function parseBaselineUpload(format: UploadFormat, body: unknown): SignalColumns {
  if (format === 'json') {
    const doc = body as { signals?: unknown; samples?: unknown };
    if (typeof doc !== 'object' || doc === null) throw badInput('the body must be a JSON object with "signals" or "samples"');
    if (doc.signals !== undefined) {
      if (typeof doc.signals !== 'object' || doc.signals === null || Array.isArray(doc.signals)) {
        throw badInput('"signals" must be an object of signal name → array of values');
      }
      const columns: SignalColumns = new Map();
      for (const [signal, values] of Object.entries(doc.signals)) {
        if (!Array.isArray(values)) throw badInput(`signals.${signal} must be an array`);
        values.forEach((v, i) => addValue(columns, signal, v, `signals.${signal}[${i}]`));
      }
      return columns;
    }
    if (Array.isArray(doc.samples)) return fromRows(doc.samples, (i) => `samples[${i}]`);
    throw badInput('the body must have "signals" (name → values) or "samples" (an array of objects)');
  }
  const text = String(body ?? '');
  const lines = text.split(/\r?\n/);
  if (format === 'jsonl') {
    const rows: unknown[] = [];
    const lineNumbers: number[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        rows.push(JSON.parse(line));
        lineNumbers.push(i + 1);
      } catch (error) {
        throw badInput(`line ${i + 1}: invalid JSON (${(error as Error).message})`);
      }
    });
    return fromRows(rows, (i) => `line ${lineNumbers[i]}`);
  }
  const nonEmpty = lines.map((line, i) => ({ line, number: i + 1 })).filter((l) => l.line.trim() !== '');
  if (nonEmpty.length === 0) throw badInput('the CSV is empty: a header row of signal names is needed');
  const header = parseCsvLine(nonEmpty[0].line, nonEmpty[0].number).map((h) => h.trim());
  const columns: SignalColumns = new Map();
  for (const { line, number } of nonEmpty.slice(1)) {
    const cells = parseCsvLine(line, number);
    if (cells.length !== header.length) {
      throw badInput(`line ${number}: ${cells.length} values for ${header.length} columns`);
    }
    cells.forEach((cell, i) => addValue(columns, header[i], csvValue(cell), `line ${number}`));
  }
  return columns;
}
