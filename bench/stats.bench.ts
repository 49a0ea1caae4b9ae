// Drift-statistics benchmark: prints each figure next to a baseline measured in the same run.
import { compareMany, compareProfiles, QuantileSketch, SignalProfile } from '@assay/stats';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
}

function normals(n: number, seed: number, shift = 0): Float64Array {
  const random = seeded(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random()) + shift;
  return out;
}

function bestOf(runs: number, fn: () => void): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

const MILLION = 1_000_000;
const reference = normals(MILLION, 1);
const current = normals(MILLION, 2, 0.01);

// 1. KS + Wasserstein + PSI + Jensen–Shannon on 1M vs 1M, against sorting the 2M values.
const both = new Float64Array(2 * MILLION);
both.set(reference);
both.set(current, MILLION);
const sortMs = bestOf(3, () => both.slice().sort());
const methods = ['ks', 'wasserstein_norm', 'psi', 'jensenshannon'] as const;
let results = compareMany(reference, current, methods);
const compareMs = bestOf(3, () => {
  results = compareMany(reference, current, methods);
});
console.log('compare 1M vs 1M (ks + wasserstein_norm + psi + jensenshannon)');
for (const r of results) console.log(`  ${r.method.padEnd(17)} statistic ${r.statistic.toPrecision(6)}${r.pValue === null ? '' : `  p ${r.pValue.toPrecision(4)}`}`);
console.log(`  time ${compareMs.toFixed(1)} ms; baseline Float64Array sort of 2M values ${sortMs.toFixed(1)} ms; ratio ${(compareMs / sortMs).toFixed(2)}x (goal <= 2x)`);

// 2. Sketch updates per second against plain typed-array appends of the same values.
const stream = normals(10 * MILLION, 3);
const appendMs = bestOf(3, () => {
  const buffer = new Float64Array(stream.length);
  for (let i = 0; i < stream.length; i++) buffer[i] = stream[i]!;
});
const sketchBulkMs = bestOf(3, () => new QuantileSketch().updateMany(stream));
const sketchSingleMs = bestOf(3, () => {
  const sketch = new QuantileSketch();
  for (let i = 0; i < stream.length; i++) sketch.update(stream[i]!);
});
const rate = (ms: number): string => `${((stream.length / ms) * 1e3 / 1e6).toFixed(1)} M/s`;
console.log('sketch updates, 10M values');
console.log(`  baseline typed-array append ${rate(appendMs)}`);
console.log(`  QuantileSketch.updateMany ${rate(sketchBulkMs)} (${((appendMs / sketchBulkMs) * 100).toFixed(0)}% of append; goal >= 25%)`);
console.log(`  QuantileSketch.update     ${rate(sketchSingleMs)} (${((appendMs / sketchSingleMs) * 100).toFixed(0)}% of append)`);

// 3. Memory growth while checking a 10M-value window through profiles, fed in chunks as a stream would be.
const baseline = new SignalProfile('numeric').addMany(reference);
const windowChunk = new Float64Array(65_536);
const random = seeded(4);
gc();
const before = process.memoryUsage();
const window = new SignalProfile('numeric');
let peak = 0;
for (let fed = 0; fed < 10 * MILLION; fed += windowChunk.length) {
  for (let i = 0; i < windowChunk.length; i++) windowChunk[i] = random() * 4 - 2;
  window.addMany(windowChunk);
  const now = process.memoryUsage();
  peak = Math.max(peak, now.heapUsed + now.arrayBuffers - before.heapUsed - before.arrayBuffers);
}
const verdict = compareProfiles(baseline, window);
gc();
const after = process.memoryUsage();
const growth = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
console.log(`window of ${window.count} values through sketches: ${verdict.method} ${verdict.statistic.toPrecision(4)} (exact: ${verdict.exact}, error bound ${verdict.errorBound?.toPrecision(3)})`);
console.log(`  memory growth ${(growth / 2 ** 20).toFixed(1)} MB retained, ${(peak / 2 ** 20).toFixed(1)} MB peak (goal < 64 MB); raw values would take ${((window.count * 8) / 2 ** 20).toFixed(0)} MB`);
console.log(`  serialised window profile ${JSON.stringify(window).length} bytes`);
