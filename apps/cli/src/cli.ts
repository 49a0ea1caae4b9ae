import type { AppFactory, AppName } from '@assay/common';
import { CLIENT_USAGE, runClientCommand } from './client/client-cli.js';
import { parseDemoArgs } from './demo/demo-args.js';

// The server is loaded only by the commands that run it: `gate` and `verify` start in milliseconds
// and need no database, Redis or Nest.
async function factories(): Promise<Record<AppName, AppFactory>> {
  const [{ createApiApp }, { createIngestApp }, { createWorkerApp }] = await Promise.all([import('@assay/api'), import('@assay/ingest'), import('@assay/worker')]);
  return { api: createApiApp, ingest: createIngestApp, worker: (runtime) => createWorkerApp(runtime) };
}

const USAGE = `usage: assay <command>

  serve [api] [ingest] [worker]   run the named apps (all three by default) in this process
  migrate                         apply pending database migrations and exit
  db bootstrap [--print]          prepare a database's owner and application roles, as a superuser (assay db --help)
  demo [--no-serve] [--reset] [--host ADDR]
                                  run the end-to-end story on real OpenTelemetry traffic, then keep serving
                                  (--reset: on an empty database; --host: listen there, default 127.0.0.1)
  collector-key --out FILE        keep a working ingest key for an OpenTelemetry Collector in FILE (assay collector-key --help)
${CLIENT_USAGE}
`;

async function serve(args: string[]): Promise<number | null> {
  const names = (args.length === 0 ? ['api', 'ingest', 'worker'] : args) as AppName[];
  const unknown = names.filter((n) => !['api', 'ingest', 'worker'].includes(n));
  if (unknown.length > 0) {
    process.stderr.write(`assay serve: unknown app ${unknown.join(', ')}; choose from api, ingest, worker\n`);
    return 2;
  }
  const [{ serveFromEnv }, all] = await Promise.all([import('@assay/common'), factories()]);
  await serveFromEnv(Object.fromEntries(names.map((n) => [n, all[n]])));
  return null;
}

async function migrate(): Promise<number> {
  const [{ ConfigError, loadConfig }, { createRootLogger, prepareRuntime }] = await Promise.all([import('@assay/config'), import('@assay/common')]);
  try {
    const config = loadConfig();
    const logger = createRootLogger(config.log.level);
    const runtime = await prepareRuntime(config, logger, { bootstrapAdmin: false, redis: false });
    await runtime.close();
    process.stdout.write('migrations are up to date\n');
    return 0;
  } catch (error) {
    process.stderr.write(`assay migrate: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
    return 1;
  }
}

async function demo(args: string[]): Promise<number | null> {
  const parsed = parseDemoArgs(args);
  if ('error' in parsed) {
    process.stderr.write(`assay demo: ${parsed.error}\n`);
    return 2;
  }
  const { serve } = parsed;
  let outcome;
  try {
    const { runDemo } = await import('./demo/demo.command.js');
    outcome = await runDemo({ ...parsed, factories: await factories() });
  } catch (error) {
    process.stderr.write(`\nassay demo failed: ${(error as Error).message}\n`);
    return 1;
  }
  if (!serve) {
    await outcome.running.close();
    process.stdout.write('demo complete\n');
    return 0;
  }
  process.stdout.write('Assay keeps running with the demo data; press Ctrl-C to stop.\n');
  const stop = (): void => void outcome.running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return null;
}

export async function runCli(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  const client = await runClientCommand(command, rest);
  if (client !== null) return client;
  switch (command) {
    case 'serve':
      return (await serve(rest)) ?? undefined;
    case 'migrate':
      return migrate();
    case 'db':
      return (await import('./db/db-bootstrap.command.js')).runDb(rest);
    case 'demo':
      return (await demo(rest)) ?? undefined;
    case 'collector-key':
      return (await import('./keys/collector-key.command.js')).runCollectorKey(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`assay: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}
