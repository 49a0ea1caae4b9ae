import {
  bootstrapDatabase,
  databaseBootstrapScript,
  DatabaseBootstrapError,
  DEFAULT_DATABASE_ROLES,
  validateDatabaseRoles,
  type DatabaseRoles,
} from '@assay/db';

export class DbUsageError extends Error {}

export const DB_USAGE = `usage: assay db bootstrap [--owner NAME] [--app NAME] [--print]

  Prepares the database DATABASE_URL names (connect as a superuser) for Assay to run without one:
  the owner role runs \`assay migrate\`, the application role runs the apps and cannot change the
  schema or rewrite the ledger. Run it once per database, before the first migration; again is safe.

  --owner NAME   the role that runs the migrations (default ${DEFAULT_DATABASE_ROLES.owner})
  --app NAME     the role the API, ingest and worker connect as (default ${DEFAULT_DATABASE_ROLES.app})
  --print        print the SQL instead of running it (for a DBA: psql -v ON_ERROR_STOP=1 -f FILE)

  ASSAY_DB_OWNER_PASSWORD, ASSAY_DB_APP_PASSWORD   passwords to set (sent as SCRAM verifiers only)
`;

export interface DbBootstrapOptions {
  roles: DatabaseRoles;
  print: boolean;
  url: string | null;
}

const VALUE_FLAGS = new Set(['--owner', '--app']);

export function parseDbBootstrapArgs(args: readonly string[], env: NodeJS.ProcessEnv = process.env): DbBootstrapOptions {
  const values = new Map<string, string>();
  let print = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (flag === '--print' && eq < 0) {
      print = true;
    } else if (VALUE_FLAGS.has(flag)) {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) throw new DbUsageError(`${flag} needs a value`);
      values.set(flag, value);
    } else {
      throw new DbUsageError(`unknown argument ${arg}`);
    }
  }
  const password = (name: string): string | null => (env[name] === undefined || env[name] === '' ? null : env[name]!);
  const roles: DatabaseRoles = {
    owner: values.get('--owner') ?? DEFAULT_DATABASE_ROLES.owner,
    app: values.get('--app') ?? DEFAULT_DATABASE_ROLES.app,
    ownerPassword: password('ASSAY_DB_OWNER_PASSWORD'),
    appPassword: password('ASSAY_DB_APP_PASSWORD'),
  };
  try {
    validateDatabaseRoles(roles);
  } catch (error) {
    throw new DbUsageError((error as Error).message);
  }
  const url = env.DATABASE_URL?.trim() || null;
  if (!print) {
    if (!url) throw new DbUsageError('DATABASE_URL must name the database to prepare, connecting as a superuser (or use --print)');
    if (!/^postgres(ql)?:\/\//.test(url)) throw new DbUsageError('DATABASE_URL must be a postgres:// URL');
  }
  return { roles, print, url };
}

export async function runDb(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === 'help') {
    process.stdout.write(DB_USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'bootstrap') {
    process.stderr.write(`assay db: unknown command "${sub}"\n${DB_USAGE}`);
    return 2;
  }
  let options: DbBootstrapOptions;
  try {
    options = parseDbBootstrapArgs(rest, env);
  } catch (error) {
    process.stderr.write(`assay db bootstrap: ${(error as Error).message}\n`);
    return 2;
  }
  try {
    if (options.print) {
      process.stdout.write(databaseBootstrapScript(options.roles));
      return 0;
    }
    await bootstrapDatabase(options.url!, options.roles);
  } catch (error) {
    const known = error instanceof DatabaseBootstrapError;
    process.stderr.write(`assay db bootstrap: ${known ? '' : 'could not prepare the database: '}${(error as Error).message}\n`);
    return 1;
  }
  const { owner, app } = options.roles;
  process.stdout.write(
    `database prepared: migrate as ${owner} (\`assay migrate\`), run the apps as ${app}\n` +
      (options.roles.ownerPassword && options.roles.appPassword ? '' : 'roles without a password given keep the one they had (or none)\n'),
  );
  return 0;
}
