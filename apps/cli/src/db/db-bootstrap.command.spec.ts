import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { databaseBootstrapScript } from '@assay/db';
import { parseDbBootstrapArgs } from './db-bootstrap.command.js';

const URL_ENV = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/assay' };

describe(parseDbBootstrapArgs.name, () => {
  it('defaults to assay_owner and assay_app, passwords from the environment', () => {
    const sut = parseDbBootstrapArgs([], { ...URL_ENV, ASSAY_DB_OWNER_PASSWORD: 'o-secret', ASSAY_DB_APP_PASSWORD: '' });
    assert.deepEqual(sut, {
      roles: { owner: 'assay_owner', app: 'assay_app', ownerPassword: 'o-secret', appPassword: null },
      print: false,
      url: URL_ENV.DATABASE_URL,
    });
  });

  it('takes --owner, --app (also as --flag=value) and --print, which needs no DATABASE_URL', () => {
    const sut = parseDbBootstrapArgs(['--owner', 'ops_owner', '--app=ops_app', '--print'], {});
    assert.deepEqual(sut.roles, { owner: 'ops_owner', app: 'ops_app', ownerPassword: null, appPassword: null });
    assert.equal(sut.print, true);
  });

  it('names what is wrong with the arguments', () => {
    const refusals: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [[], {}, /DATABASE_URL must name the database to prepare, connecting as a superuser/],
      [[], { DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres:\/\/ URL/],
      [['--owner'], URL_ENV, /--owner needs a value/],
      [['--owners', 'x'], URL_ENV, /unknown argument --owners/],
      [['--print=yes'], URL_ENV, /unknown argument --print=yes/],
      [['--app', 'assay_owner'], URL_ENV, /the owner and application roles must differ/],
      [['--app', 'App'], URL_ENV, /the application role "App" must be 1-63 lower-case letters/],
      [['--owner', 'x; DROP ROLE postgres'], URL_ENV, /the owner role "x; DROP ROLE postgres" must be/],
      [['--owner', 'assay_ledger_owner'], URL_ENV, /the owner role may not be named "assay_ledger_owner"/],
      [['--app', 'pg_monitor'], URL_ENV, /the application role may not be named "pg_monitor"/],
    ];
    for (const [args, env, refusal] of refusals) assert.throws(() => parseDbBootstrapArgs(args, env), refusal, args.join(' '));
  });
});

describe(databaseBootstrapScript.name, () => {
  it('sends SCRAM verifiers, never the passwords themselves', () => {
    const sut = databaseBootstrapScript({ owner: 'assay_owner', app: 'assay_app', ownerPassword: 'owner-pw-123', appPassword: 'app-pw-456' });
    assert.doesNotMatch(sut, /owner-pw-123|app-pw-456/);
    assert.match(sut, /^ALTER ROLE assay_owner LOGIN PASSWORD 'SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+';$/m);
    assert.match(sut, /^ALTER ROLE assay_app LOGIN PASSWORD 'SCRAM-SHA-256\$4096:/m);
  });

  it('runs in one transaction and gives the application role only row access by default', () => {
    const sut = databaseBootstrapScript({ owner: 'assay_owner', app: 'assay_app' });
    assert.match(sut, /^BEGIN;\n/m);
    assert.match(sut, /\nCOMMIT;\n$/);
    assert.match(sut, /^ALTER ROLE assay_app LOGIN;$/m);
    assert.match(sut, /^GRANT assay_ledger_owner TO assay_owner;$/m);
    assert.match(sut, /^GRANT USAGE ON SCHEMA public TO assay_app;$/m);
    assert.match(sut, /^ALTER DEFAULT PRIVILEGES FOR ROLE assay_owner IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO assay_app;$/m);
    assert.doesNotMatch(sut, /TO assay_app WITH|GRANT assay_(owner|ledger_owner) TO assay_app|CREATE ON SCHEMA public TO assay_app/);
  });
});
