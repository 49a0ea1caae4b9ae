import { ConfigError, loadConfig } from '@assay/config';
import { createRootLogger, prepareRuntime, serveFromEnv, type AppFactory, type AppName } from '@assay/common';
import { createApiApp } from '@assay/api';
import { createIngestApp } from '@assay/ingest';
import { createWorkerApp } from '@assay/worker';
import { runDemo } from './demo/demo.command.js';
import { runVerify } from './verify/verify.command.js';
import { runGate } from './gate/gate.command.js';
import { runVerifyReport } from './verify/report.command.js';
import { runDb } from './db/db-bootstrap.command.js';

const FACTORIES: Record<AppName, AppFactory> = {
  api: createApiApp,
  ingest: createIngestApp,
  worker: (runtime) => createWorkerApp(runtime),
};

const USAGE = `usage: assay <command>

  serve [api] [ingest] [worker]   run the named apps (all three by default) in this process
  migrate                         apply pending database migrations and exit
  db bootstrap [--print]          prepare a database's owner and application roles, as a superuser (assay db --help)
  demo [--no-serve]               run the end-to-end story on real OpenTelemetry traffic, then keep serving
  verify ledger | entry INDEX     verify the signed ledger offline (assay verify --help)
  gate --model M --candidate V    ask whether a candidate may be promoted: exit 0 pass, 1 fail, 2 insufficient
  verify report FILE --key PEM    verify a signed audit report offline
`;

async function serve(args: string[]): Promise<number | null> {
  const names = (args.length === 0 ? ['api', 'ingest', 'worker'] : args) as AppName[];
  const unknown = names.filter((n) => !(n in FACTORIES));
  if (unknown.length > 0) {
    process.stderr.write(`assay serve: unknown app ${unknown.join(', ')}; choose from api, ingest, worker\n`);
    return 2;
  }
  await serveFromEnv(Object.fromEntries(names.map((n) => [n, FACTORIES[n]])));
  return null;
}

async function migrate(): Promise<number> {
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
  const unknown = args.filter((a) => a !== '--no-serve');
  if (unknown.length > 0) {
    process.stderr.write(`assay demo: unknown option ${unknown.join(' ')}\n`);
    return 2;
  }
  const serve = !args.includes('--no-serve');
  let outcome;
  try {
    outcome = await runDemo({ serve, factories: FACTORIES });
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
  if (command === 'verify' && rest[0] === 'report') return runVerifyReport(rest.slice(1));
  switch (command) {
    case 'serve':
      return (await serve(rest)) ?? undefined;
    case 'migrate':
      return migrate();
    case 'db':
      return runDb(rest);
    case 'gate':
      return runGate(rest);
    case 'verify':
      return runVerify(rest);
    case 'demo':
      return (await demo(rest)) ?? undefined;
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
