import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { ConfigError, loadConfig, type AppConfig } from '@assay/config';
import type { Logger } from 'pino';
import { createRootLogger } from './logging/logger.js';
import { prepareRuntime, type PrepareOptions, type Runtime } from './runtime.js';
import { startSelfTracing, stopSelfTracing } from './telemetry/tracing.js';

export type AppName = 'api' | 'ingest' | 'worker';
export type AppFactory = (runtime: Runtime) => Promise<INestApplication>;

export interface RunningAssay {
  runtime: Runtime;
  apps: Partial<Record<AppName, INestApplication>>;
  ports: Partial<Record<AppName, number>>;
  close(): Promise<void>;
}

export const VERSION = '0.1.0';

function portOf(config: AppConfig, name: AppName): number {
  return name === 'api' ? config.api.port : name === 'ingest' ? config.ingest.port : config.worker.port;
}

export async function startAssay(
  factories: Partial<Record<AppName, AppFactory>>,
  config: AppConfig,
  logger: Logger,
  options: PrepareOptions = {},
): Promise<RunningAssay> {
  startSelfTracing(config, VERSION);
  const runtime = await prepareRuntime(config, logger, options);
  const apps: Partial<Record<AppName, INestApplication>> = {};
  const ports: Partial<Record<AppName, number>> = {};
  const close = async (): Promise<void> => {
    for (const app of Object.values(apps)) await app.close().catch(() => undefined);
    await runtime.close();
    await stopSelfTracing();
  };
  try {
    for (const [name, factory] of Object.entries(factories) as Array<[AppName, AppFactory]>) {
      const app = await factory(runtime);
      apps[name] = app;
      if (config.http.host === null) await app.listen(portOf(config, name));
      else await app.listen(portOf(config, name), config.http.host);
      ports[name] = (app.getHttpServer().address() as AddressInfo).port;
      logger.info({ app: name, port: ports[name] }, `${name} listening on port ${ports[name]}`);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { runtime, apps, ports, close };
}

// The entry point of every long-running process: a bad environment or an unreachable dependency
// ends it with one readable message and a non-zero exit code.
export async function serveFromEnv(factories: Partial<Record<AppName, AppFactory>>): Promise<RunningAssay> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`assay: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createRootLogger(config.log.level);
  let running: RunningAssay | null = null;
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info(`received ${signal}; shutting down`);
    const timer = setTimeout(() => process.exit(1), 15_000);
    timer.unref();
    // A signal during start-up is honoured once the apps are up, so that everything started is closed.
    if (running) void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  try {
    running = await startAssay(factories, config, logger);
  } catch (error) {
    process.stderr.write(`assay: could not start: ${(error as Error).message}\n`);
    logger.fatal({ err: error }, 'start-up failed');
    logger.flush();
    process.exit(1);
  }
  if (stopping) {
    await running.close();
    process.exit(0);
  }
  return running;
}
