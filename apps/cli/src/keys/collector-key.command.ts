import fs from 'node:fs';
import path from 'node:path';

export const COLLECTOR_KEY_USAGE = `usage: assay collector-key --out FILE [--project NAME]

  Makes sure FILE holds a working ingest key for an OpenTelemetry Collector (its bearertokenauth
  extension reads the key from the file): a key already there that the ingest accepts is kept,
  otherwise a new ingest key is created in the project (created too when missing) and written.
  The key itself is never printed.

  --out FILE       where the key goes (written atomically)
  --project NAME   the project the Collector's traffic belongs to (default: collector)

  ASSAY_ADMIN_KEY   an admin key (required)
  ASSAY_API_URL     the API (default http://127.0.0.1:3000)
  ASSAY_INGEST_URL  the ingest, to check a kept key (default http://127.0.0.1:4318)
`;

interface CollectorKeyOptions {
  out: string;
  project: string;
  adminKey: string;
  apiUrl: string;
  ingestUrl: string;
}

class UsageError extends Error {}

function parse(args: readonly string[], env: NodeJS.ProcessEnv): CollectorKeyOptions {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (flag !== '--out' && flag !== '--project') throw new UsageError(`unknown option ${flag}`);
    const value = args[++i];
    if (!value) throw new UsageError(`${flag} needs a value`);
    values.set(flag, value);
  }
  const out = values.get('--out');
  if (!out) throw new UsageError('--out FILE is required');
  const adminKey = env.ASSAY_ADMIN_KEY;
  if (!adminKey) throw new UsageError('set ASSAY_ADMIN_KEY to an admin key');
  return {
    out,
    project: values.get('--project') ?? 'collector',
    adminKey,
    apiUrl: (env.ASSAY_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, ''),
    ingestUrl: (env.ASSAY_INGEST_URL ?? 'http://127.0.0.1:4318').replace(/\/+$/, ''),
  };
}

async function api<T>(options: CollectorKeyOptions, method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${options.apiUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${options.adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

// An empty export is a valid OTLP request: 200 says the ingest takes this key, 401 that it does not.
async function ingestAccepts(options: CollectorKeyOptions, key: string): Promise<boolean> {
  const response = await fetch(`${options.ingestUrl}/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout(30_000),
  });
  if (response.status === 200) return true;
  if (response.status === 401 || response.status === 403) return false;
  throw new Error(`the ingest answered ${response.status} to a key check: ${await response.text()}`);
}

async function projectId(options: CollectorKeyOptions): Promise<string> {
  const { items } = await api<{ items: { id: string; name: string }[] }>(options, 'GET', '/v1/projects');
  const found = items.find((p) => p.name === options.project);
  if (found) return found.id;
  return (await api<{ id: string }>(options, 'POST', '/v1/projects', { name: options.project })).id;
}

function writeAtomically(file: string, content: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const staging = `${file}.${process.pid}.tmp`;
  // Readable by others: the Collector runs as its own user and reads it from a volume only it and this step mount.
  fs.writeFileSync(staging, content, { mode: 0o644 });
  fs.renameSync(staging, file);
}

async function ensureCollectorKey(options: CollectorKeyOptions, out: (line: string) => void): Promise<void> {
  const existing = fs.existsSync(options.out) ? fs.readFileSync(options.out, 'utf8').trim() : '';
  if (existing && (await ingestAccepts(options, existing))) {
    out(`the ingest key in ${options.out} is accepted by the ingest; kept`);
    return;
  }
  const id = await projectId(options);
  const { key } = await api<{ key: string }>(options, 'POST', '/v1/keys', { projectId: id, role: 'ingest', name: 'otel-collector' });
  writeAtomically(options.out, `${key}\n`);
  out(`wrote a new ingest key of project "${options.project}" to ${options.out}`);
}

export async function runCollectorKey(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(COLLECTOR_KEY_USAGE);
    return 0;
  }
  try {
    await ensureCollectorKey(parse(args, env), (line) => process.stdout.write(`${line}\n`));
    return 0;
  } catch (error) {
    process.stderr.write(`assay collector-key: ${(error as Error).message}\n${error instanceof UsageError ? COLLECTOR_KEY_USAGE : ''}`);
    return error instanceof UsageError ? 2 : 1;
  }
}
