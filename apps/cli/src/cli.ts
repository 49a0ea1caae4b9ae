import { ConfigError, loadConfig } from '@assay/config';
import { createRootLogger, prepareRuntime, serveFromEnv, type AppFactory, type AppName } from '@assay/common';
import { createApiApp } from '@assay/api';
import { createIngestApp } from '@assay/ingest';
import { createWorkerApp } from '@assay/worker';
import { runVerify } from './verify/verify.command.js';

const FACTORIES: Record<AppName, AppFactory> = {
  api: createApiApp,
  ingest: createIngestApp,
  worker: (runtime) => createWorkerApp(runtime),
};

const USAGE = `usage: assay <command>

  serve [api] [ingest] [worker]   run the named apps (all three by default) in this process
  migrate                         apply pending database migrations and exit
  verify ledger | entry INDEX     verify the signed ledger offline (assay verify --help)
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

export async function runCli(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return (await serve(rest)) ?? undefined;
    case 'migrate':
      return migrate();
    case 'verify':
      return runVerify(rest);
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
