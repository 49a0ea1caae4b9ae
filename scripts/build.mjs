// Compiles to dist/, rewrites the @assay/* aliases and copies assets. The aliases are rewritten even
// when tsc reports type errors (it still emits), so a half-finished file elsewhere does not leave the
// whole dist/ unrunnable; the exit code still reports the errors.
import { spawnSync } from 'node:child_process';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;
const tsc = run('npx', ['tsc', '-p', 'tsconfig.json']);
const alias = run('npx', ['tsc-alias', '-p', 'tsconfig.json']);
const assets = run(process.execPath, ['scripts/copy-assets.mjs']);
process.exitCode = tsc || alias || assets;
