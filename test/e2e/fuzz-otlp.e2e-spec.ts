import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { JsonFuzzer, call, seedProject, startTestAssay, type SeededProject, type TestAssay } from '@assay/testing';

const CASES = Number(process.env.ASSAY_FUZZ_CASES ?? 12) * 10;
const SEED = Number(process.env.ASSAY_FUZZ_SEED ?? 20261128);
const FIXTURES = path.resolve('libs/otlp/fixtures');

describe('OTLP fuzzing: mutated protobuf and JSON never cause a 5xx, a crash or a hang', () => {
  let assay: TestAssay;
  let project: SeededProject;

  before(async () => {
    assay = await startTestAssay({ apps: ['api', 'ingest'] });
    project = await seedProject(assay);
    await call('PATCH', `${assay.apiUrl}/v1/projects/${project.id}/settings`, { key: assay.adminKey, json: { autoRegisterModels: true } });
  });
  after(() => assay.close());

  it('answers every mutated body with 200 or a 4xx', async () => {
    const fuzzer = new JsonFuzzer(SEED);
    const bodies = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.pb') || f.endsWith('.json'));
    assert.ok(bodies.length >= 6, 'the OTLP golden fixtures are there');
    const failures: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const file = fuzzer.pick(bodies);
      const protobuf = file.endsWith('.pb');
      const bytes = Buffer.from(fs.readFileSync(path.join(FIXTURES, file)));
      switch (fuzzer.int(5)) {
        case 0:
          for (let n = 1 + fuzzer.int(8); n > 0; n--) bytes[fuzzer.int(bytes.length)] ^= 1 << fuzzer.int(8);
          break;
        case 1:
          bytes.writeUInt8(fuzzer.int(256), fuzzer.int(bytes.length));
          break;
        case 2: {
          const cut = fuzzer.int(bytes.length);
          bytes.fill(0, cut);
          break;
        }
        case 3:
          if (!protobuf) {
            const mutated = fuzzer.mutate(JSON.parse(bytes.toString('utf8')));
            bytes.write(JSON.stringify(mutated).slice(0, bytes.length));
          }
          break;
        default:
          break;
      }
      const body = fuzzer.int(4) === 0 ? bytes.subarray(0, fuzzer.int(bytes.length)) : bytes;
      const gzip = fuzzer.int(3) === 0;
      const response = await call('POST', `${assay.ingestUrl}/v1/traces`, {
        key: project.keys.ingest.key,
        body: gzip ? gzipSync(body) : body,
        headers: {
          'content-type': protobuf ? 'application/x-protobuf' : 'application/json',
          ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        },
      });
      if (response.status >= 500) failures.push(`${file} case ${i} → ${response.status} ${response.text.slice(0, 200)}`);
    }
    assert.deepEqual(failures, []);
    assert.equal((await call('GET', `${assay.ingestUrl}/readyz`)).status, 200);
  });
});
