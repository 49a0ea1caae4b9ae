// Test fixtures and other non-TypeScript assets are read relative to the compiled files.
import fs from 'node:fs';
import path from 'node:path';

const roots = ['libs', 'apps', 'test'];
const ASSET_DIRS = new Set(['fixtures', 'proto', 'assets']);
for (const root of roots) {
  if (!fs.existsSync(root)) continue;
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isDirectory() || !ASSET_DIRS.has(entry.name)) continue;
    const source = path.join(entry.parentPath, entry.name);
    if (source.includes('node_modules')) continue;
    fs.cpSync(source, path.join('dist', source), { recursive: true, filter: (f) => !f.endsWith('.ts') });
  }
}
