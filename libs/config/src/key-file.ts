import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface DevelopmentKey<T> {
  value: T;
  created: boolean;
  file: string;
}

/**
 * Reads the development key `name` in `dataDir`, creating it (0600, in a 0700 directory) when absent.
 * The key is written to a private temporary file and then hard-linked into place: link() creates the
 * name exclusively and atomically, so of two processes starting together exactly one key wins, and
 * nobody ever reads a half-written file. `parse` throws for a file that does not hold such a key.
 */
export function loadOrCreateDevelopmentKey<T>(dataDir: string, name: string, generate: () => string, parse: (text: string) => T): DevelopmentKey<T> {
  const file = path.join(dataDir, name);
  const read = (): T | null => {
    try {
      return parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  };
  const existing = read();
  if (existing !== null) return { value: existing, created: false, file };
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const text = generate();
  const temporary = path.join(dataDir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}`);
  const fd = fs.openSync(temporary, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(temporary, file);
    return { value: parse(text), created: true, file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = read();
    if (winner === null) throw new Error(`development key ${file} vanished while starting`);
    return { value: winner, created: false, file };
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}
