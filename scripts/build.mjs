// Compiles to dist/, rewrites the @assay/* aliases and copies assets. The aliases are rewritten even
// when tsc reports type errors (it still emits), so a half-finished file elsewhere does not leave the
// whole dist/ unrunnable; the exit code still reports the errors.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// A compiled file whose source was deleted would otherwise live on in dist/ (and a stale spec would still run).
function removeStaleOutputs(root) {
  if (!fs.existsSync(root)) return;
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.js(\.map)?$/.test(entry.name)) continue;
    const output = path.join(entry.parentPath, entry.name);
    const relative = path.relative(root, output).replace(/\.js(\.map)?$/, '');
    if (!fs.existsSync(`${relative}.ts`) && !fs.existsSync(`${relative}.js`) && !fs.existsSync(`${relative}.mjs`)) fs.rmSync(output);
  }
}

// tsc prints nothing while it works: a first build (no incremental state yet) takes about a minute on two
// cores, long enough to look hung, so it is announced.
const firstBuild = !fs.existsSync('dist/.tsbuildinfo');
const started = Date.now();
if (firstBuild) process.stderr.write('assay: building dist/ (first run, about a minute on two cores; later runs check only what changed)…\n');

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;
const tsc = run('npx', ['tsc', '-p', 'tsconfig.json']);
const alias = run('npx', ['tsc-alias', '-p', 'tsconfig.json']);
const assets = run(process.execPath, ['scripts/copy-assets.mjs']);
removeStaleOutputs('dist');
process.exitCode = tsc || alias || assets;
if (firstBuild) process.stderr.write(`assay: build ${process.exitCode ? 'finished with errors' : 'done'} in ${Math.round((Date.now() - started) / 1000)} s\n`);
