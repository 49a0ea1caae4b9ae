import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');

export type FixtureName = 'genai' | 'genai-legacy' | 'openinference';

export function readFixture(name: FixtureName, format: 'protobuf' | 'json'): Buffer {
  return readFileSync(join(fixturesDir, `${name}.${format === 'protobuf' ? 'pb' : 'json'}`));
}
