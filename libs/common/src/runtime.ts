import type { AppConfig } from '@assay/config';
import { ApiKeyRepository, createDataSource, runMigrations, startEmbeddedPostgres, withStartupLock } from '@assay/db';
import { resolveRedis } from '@assay/queue';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { ApiKeyService } from './auth/api-key.service.js';
import { BodyBudget } from './http/admission.js';

export interface Runtime {
  config: AppConfig;
  logger: Logger;
  dataSource: DataSource;
  databaseUrl: string;
  redisUrl: string;
  /** Request bytes in flight across every app of this process. */
  bodyBudget: BodyBudget;
  close(): Promise<void>;
}

async function initializeWithRetry(dataSource: DataSource, logger: Logger): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await dataSource.initialize();
      return;
    } catch (error) {
      if (attempt >= 10) throw error;
      logger.warn({ attempt }, `PostgreSQL not reachable yet (${(error as Error).message}); retrying`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

export interface PrepareOptions {
  migrate?: boolean;
  redis?: boolean;
  bootstrapAdmin?: boolean;
  announce?: (message: string) => void;
}

// Everything a process needs before its Nest apps start: Redis, PostgreSQL (embedded when no
// DATABASE_URL is set), the migrations, and the bootstrap admin key.
export async function prepareRuntime(config: AppConfig, logger: Logger, options: PrepareOptions = {}): Promise<Runtime> {
  const redis =
    options.redis === false
      ? { url: config.redis.url ?? '' }
      : await resolveRedis({ url: config.redis.url, autoStart: config.redis.autoStart, dataDir: config.dataDir }, (message) =>
          logger.info(message),
        );
  let databaseUrl = config.database.url;
  let stopEmbedded: () => Promise<void> = async () => undefined;
  if (databaseUrl === null) {
    const embedded = await startEmbeddedPostgres(config.dataDir, config.database.embeddedPort, (message) =>
      logger.debug({ component: 'embedded-postgres' }, message),
    );
    databaseUrl = embedded.url;
    stopEmbedded = embedded.stop;
    logger.info(
      `using embedded PostgreSQL on 127.0.0.1:${config.database.embeddedPort}` +
        (embedded.clusterDir ? ` (data in ${embedded.clusterDir})` : ' (started by another Assay process)'),
    );
  }
  const dataSource = createDataSource(databaseUrl, config.database.poolSize);
  await initializeWithRetry(dataSource, logger);
  if (options.migrate !== false) {
    const applied = await runMigrations(dataSource);
    if (applied.length > 0) logger.info({ applied }, 'applied migrations');
  }
  if (options.bootstrapAdmin !== false) {
    const keys = new ApiKeyService(new ApiKeyRepository(dataSource));
    const { generatedSecret } = await withStartupLock(dataSource, () => keys.ensureBootstrapAdmin(config.auth.adminKey));
    if (generatedSecret) {
      (options.announce ?? ((m: string) => process.stderr.write(m)))(
        `\n  Assay generated a bootstrap admin key. It is shown once; store it now:\n\n    ${generatedSecret}\n\n` +
          `  (set ASSAY_ADMIN_KEY to choose your own; only its hash is stored)\n\n`,
      );
    }
  }
  return {
    config,
    logger,
    dataSource,
    databaseUrl,
    redisUrl: redis.url,
    bodyBudget: new BodyBudget(config.http.bodyBudgetBytes),
    close: async () => {
      await dataSource.destroy().catch(() => undefined);
      await stopEmbedded().catch(() => undefined);
    },
  };
}
