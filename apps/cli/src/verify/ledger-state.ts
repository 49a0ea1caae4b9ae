import fs from 'node:fs';
import path from 'node:path';

/** The last checkpoint this machine verified for a log, so the next run can prove append-only growth. */
export interface LedgerState {
  origin: string;
  treeSize: number;
  rootHash: string;
  keyId: string;
  verifiedAt: string;
}

type StateFile = { logs: Record<string, LedgerState> };

export function readLedgerState(file: string, url: string): LedgerState | null {
  let parsed: StateFile;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as StateFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`state file ${file} is unreadable: ${(error as Error).message}`);
  }
  return parsed.logs?.[stateKey(url)] ?? null;
}

export function writeLedgerState(file: string, url: string, state: LedgerState): void {
  let parsed: StateFile = { logs: {} };
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as StateFile;
    parsed.logs ??= {};
  } catch {
    parsed = { logs: {} };
  }
  parsed.logs[stateKey(url)] = state;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(parsed, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(temporary, file);
}

function stateKey(url: string): string {
  return new URL(url).origin + new URL(url).pathname.replace(/\/+$/, '');
}
