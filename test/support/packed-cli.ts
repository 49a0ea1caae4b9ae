// The CLI package as a CI runner gets it: packed by `npm run pack:cli`, installed with npm into a
// directory outside the checkout, and run with an environment that has no database, Redis or server settings.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

export interface PackedCliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface PackedCli {
  /** Where it is installed; commands run there. */
  dir: string;
  run(args: readonly string[], options?: { env?: NodeJS.ProcessEnv; pipeTo?: string }): Promise<PackedCliRun>;
  close(): void;
}

let installed: PackedCli | null = null;

export function installPackedCli(): PackedCli {
  if (installed) return installed;
  const pack = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'pack-cli.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`pack-cli failed: ${pack.stderr}`);
  const tarball = pack.stdout.trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-cli-runner-'));
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--offline', '--silent', tarball], { cwd: dir, encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`npm install ${tarball} failed: ${install.stderr}`);
  const bin = path.join(dir, 'node_modules', '.bin', 'assay');
  const bare: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir };
  installed = {
    dir,
    run: (args, options = {}) =>
      new Promise((resolve) => {
        // With pipeTo, stdout goes through a shell pipe to that command (`true` closes it at once), and
        // pipefail keeps assay's own exit code.
        const child = options.pipeTo
          ? spawn('bash', ['-c', `set -o pipefail; "$@" | ${options.pipeTo}`, 'bash', bin, ...args], { cwd: dir, env: { ...bare, ...options.env } })
          : spawn(bin, [...args], { cwd: dir, env: { ...bare, ...options.env } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      }),
    close: () => {
      fs.rmSync(dir, { recursive: true, force: true });
      installed = null;
    },
  };
  return installed;
}
