import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDemoArgs } from './demo-args.js';
import { reachableHost, summaryText, type SummaryInput } from './demo-summary.js';

const input: SummaryInput = {
  apiUrl: 'http://127.0.0.1:3000',
  ingestUrl: 'http://127.0.0.1:4318',
  host: '127.0.0.1',
  projectName: 'demo-2026-12-07',
  keys: { owner: 'assay_owner_o1', ci: 'assay_ci_c1', auditor: 'assay_auditor_a1', ingest: 'assay_ingest_i1' },
  adminKey: { from: 'file', file: '/srv/assay/.assay/demo/demo-admin-key' },
  report: { id: 'r1', htmlFile: '/srv/r1.html', envelopeFile: '/srv/r1.dsse.json' },
};

describe(summaryText.name, () => {
  it('prints every key the demo made and where the admin key is', () => {
    const sut = summaryText(input);
    assert.match(sut, /^ {2}owner {4}assay_owner_o1$/m);
    assert.match(sut, /^ {2}ci {7}assay_ci_c1$/m);
    assert.match(sut, /^ {2}auditor {2}assay_auditor_a1$/m);
    assert.match(sut, /^ {2}ingest {3}assay_ingest_i1$/m);
    assert.match(sut, /^ {2}admin {4}in \/srv\/assay\/\.assay\/demo\/demo-admin-key /m);
    assert.match(sutOf({ adminKey: { from: 'environment' } }), /^ {2}admin {4}the ASSAY_ADMIN_KEY of the environment$/m);
    assert.match(sut, /OTEL_EXPORTER_OTLP_ENDPOINT=http:\/\/127\.0\.0\.1:4318 OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20assay_ingest_i1/);
  });

  it('says where it listens and that its checks were slowed to hourly', () => {
    assert.match(summaryText(input), /Listening on 127\.0\.0\.1 only; `npm run demo -- --host 0\.0\.0\.0`/);
    assert.match(sutOf({ host: '0.0.0.0' }), /Listening on every interface \(0\.0\.0\.0\)/);
    assert.match(summaryText(input), /checks now run hourly \(every 3600 s\) instead of every 2 s/);
  });
});

function sutOf(changes: Partial<SummaryInput>): string {
  return summaryText({ ...input, ...changes });
}

describe(reachableHost.name, () => {
  it('reaches wildcard listeners through loopback and brackets IPv6 addresses', () => {
    assert.deepEqual([null, '0.0.0.0', '::', '127.0.0.1', '::1', '10.1.2.3'].map(reachableHost), ['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1', '[::1]', '10.1.2.3']);
  });
});

describe(parseDemoArgs.name, () => {
  it('reads --no-serve, --reset and --host in either spelling', () => {
    assert.deepEqual(parseDemoArgs([]), { serve: true, reset: false });
    assert.deepEqual(parseDemoArgs(['--no-serve', '--reset', '--host', '0.0.0.0']), { serve: false, reset: true, host: '0.0.0.0' });
    assert.deepEqual(parseDemoArgs(['--host=::1']), { serve: true, reset: false, host: '::1' });
  });

  it('refuses unknown options and a --host without an address', () => {
    assert.deepEqual(parseDemoArgs(['--serve-forever']), { error: 'unknown option --serve-forever' });
    assert.deepEqual(parseDemoArgs(['--host']), { error: '--host needs an address, e.g. --host 0.0.0.0' });
    assert.deepEqual(parseDemoArgs(['--host', '--reset']), { error: '--host needs an address, e.g. --host 0.0.0.0' });
  });
});
