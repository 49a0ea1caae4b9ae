// A separate process appending to the ledger, for the concurrency test: node ledger-appender.fixture.js URL WORKER COUNT BATCH
import { createDataSource } from '@assay/db';
import { ledgerServiceOn, sampleRecord } from './ledger-fixtures.js';

const [url, worker, countText, batchText] = process.argv.slice(2);
const count = Number(countText);
const batch = Number(batchText);
const dataSource = createDataSource(url!, 2);
await dataSource.initialize();
const ledger = ledgerServiceOn(dataSource);
let rolledBack = 0;
try {
  for (let done = 0, round = 0; done < count; round++) {
    const size = Math.min(batch, count - done);
    const records = Array.from({ length: size }, (_, k) => ({ ...sampleRecord(done + k), subject: `w${worker}/${done + k}` }));
    if (round % 17 === 5) {
      // Appended then rolled back: these indexes must be handed to someone else, leaving no gap.
      await dataSource
        .transaction(async (manager) => {
          await ledger.appendMany(records, manager);
          throw new Error('rollback');
        })
        .catch(() => (rolledBack += size));
    }
    await ledger.appendMany(records);
    done += size;
  }
  process.stdout.write(JSON.stringify({ worker, appended: count, rolledBack }) + '\n');
} finally {
  await dataSource.destroy();
}
