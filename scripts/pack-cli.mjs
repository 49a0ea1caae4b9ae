// Packs the CI and auditor CLI (`assay gate`, `assay verify`) as its own npm package, installable
// where there is no checkout, database or server: `npm install -g ./assay-cli-<version>.tgz`.
// It holds the compiled client commands and the provenance and number-format libraries, and refuses to pack when
// any of them imports something else (a dependency, or the server's code).
//   npm run pack:cli   (builds first; writes dist/assay-cli-<version>.tgz and prints its path)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const ENTRY = 'apps/cli/src/client/main.js';
const stage = path.join(dist, 'cli-package');
const { version, engines, license } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

// Follows the imports from the entry point: what the package needs, and nothing it must not have.
const IMPORT = /(?:^|[^\w$.])(?:import|export)\s*(?:[^'"()]*?\sfrom\s*)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
const needed = new Set();
const problems = [];
const visit = (relative) => {
  if (needed.has(relative)) return;
  const file = path.join(dist, relative);
  if (!fs.existsSync(file)) {
    problems.push(`${relative} is missing (run npm run build)`);
    return;
  }
  needed.add(relative);
  for (const match of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2];
    if (specifier.startsWith('node:')) continue;
    if (!specifier.startsWith('.')) {
      problems.push(`${relative} imports ${specifier}: the CLI package has no dependencies`);
      continue;
    }
    const target = path.relative(dist, path.resolve(path.dirname(file), specifier));
    if (!['apps/cli/', 'libs/provenance/', 'libs/format/'].some((allowed) => target.startsWith(allowed.replaceAll('/', path.sep)))) {
      problems.push(`${relative} imports ${target}: only the client commands and the provenance and format libraries go in the CLI package`);
      continue;
    }
    visit(target);
  }
};
visit(ENTRY);
if (problems.length > 0) {
  process.stderr.write(`pack-cli: ${problems.join('\n  ')}\n`);
  process.exit(1);
}

fs.rmSync(stage, { recursive: true, force: true });
for (const relative of needed) {
  fs.mkdirSync(path.join(stage, path.dirname(relative)), { recursive: true });
  fs.copyFileSync(path.join(dist, relative), path.join(stage, relative));
}
fs.chmodSync(path.join(stage, ENTRY), 0o755);
fs.writeFileSync(
  path.join(stage, 'package.json'),
  `${JSON.stringify(
    {
      name: 'assay-cli',
      version,
      description: 'Assay gate and verify: promotion gates for CI and offline verification of signed Assay artefacts',
      type: 'module',
      bin: { assay: ENTRY },
      engines,
      ...(license ? { license } : {}),
      files: ['apps', 'libs'],
    },
    null,
    2,
  )}\n`,
);
fs.writeFileSync(
  path.join(stage, 'README.md'),
  '# assay-cli\n\n`assay gate` asks an Assay server whether a model version may be promoted (exit 0 pass, 1 fail, 2 insufficient evidence, 3 error);\n' +
    '`assay verify` checks signed reports, gate decisions and the ledger. Run `assay --help`.\n',
);
const packed = spawnSync('npm', ['pack', '--silent', '--pack-destination', dist], { cwd: stage, encoding: 'utf8' });
if (packed.status !== 0) {
  process.stderr.write(packed.stderr);
  process.exit(packed.status ?? 1);
}
process.stdout.write(`${path.join(dist, packed.stdout.trim().split('\n').pop())}\n`);
