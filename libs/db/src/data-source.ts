import { MIGRATIONS } from '@assay/migrations';
import { DataSource, type QueryRunner } from 'typeorm';
import { ENTITIES } from './entities/index.js';

export function createDataSource(url: string, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
      application_name: 'assay',
    },
  });
}

// Held while migrating and bootstrapping, so that processes starting together do it once.
const STARTUP_LOCK = 0x61737361;

export async function withStartupLock<T>(dataSource: DataSource, work: (lockHolder: QueryRunner) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK]);
    try {
      return await work(runner);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK]);
    }
  } finally {
    await runner.release();
  }
}

const INSUFFICIENT_PRIVILEGE = '42501';

export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  return withStartupLock(dataSource, async (lockHolder) => {
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } catch (error) {
      if ((error as { code?: string }).code !== INSUFFICIENT_PRIVILEGE) throw error;
      // Where the apps run as the application role, pending migrations are the owner role's to apply.
      const [me] = (await lockHolder.query(`SELECT current_user AS name`).catch(() => [])) as Array<{ name: string }>;
      throw new Error(
        `${(error as Error).message}: the database role ${me?.name ?? 'in DATABASE_URL'} may not apply the pending migrations; ` +
          'run `assay migrate` as the owner role that `assay db bootstrap` prepares (README: Database roles), then start again',
        { cause: error },
      );
    }
  });
}
