// Writes libs/otlp/fixtures/clients/<client>.json: what each published GenAI client (the exact
// versions in package.json) exports for the calls of catalog.ts, captured by the NodeSDK's in-memory
// exporters and serialised as OTLP/JSON export requests by the SDK's own serializers.
//   npm run fixtures:clients
// Ids and times differ on every run; the specs read values, not ids.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GENAI_CLIENTS } from '../../../libs/otlp/fixtures/clients/catalog.js';
import { startFakeOpenAi } from '../fake-openai.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
// Compiled to dist/test/support/genai-clients; the fixtures belong in the source tree.
const fixturesDir = path.resolve(here, '..', '..', '..', '..', 'libs', 'otlp', 'fixtures', 'clients');

const fake = await startFakeOpenAi();
try {
  for (const client of GENAI_CLIENTS) {
    const file = path.join(fixturesDir, `${client}.json`);
    // Only the resource the application sets: host and process detectors would put this machine's ids in the fixtures.
    await run(process.execPath, [path.join(here, 'drive.js'), client, file], {
      env: { PATH: process.env.PATH, FAKE_OPENAI_URL: fake.url, OTEL_NODE_RESOURCE_DETECTORS: 'none' },
      timeout: 60_000,
    });
    process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
  }
} finally {
  await fake.close();
}
