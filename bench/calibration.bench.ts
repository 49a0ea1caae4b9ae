// Calibration of drift verdicts: how often unchanged traffic is called drift (the false-alarm rate),
// per shape, method, baseline size and window size, next to the fixed rules peers ship by default,
// measured on the same draws; and the detection power for standard shifts. Each repetition draws a
// fresh baseline and fresh windows (seeded), so the rates are over baselines as well as windows.
//   npm run bench:calibration   (BENCH_CALIBRATION_SCALE=0.5 halves the repetitions)
import { compareMany, DEFAULT_ALPHA, type ConcreteDriftMethod, type DriftResult } from '@assay/stats';

const SCALE = Number(process.env.BENCH_CALIBRATION_SCALE ?? 1);
const WINDOWS = [30, 100, 1_000, 10_000, 100_000];
const BASELINES = [100, 1_000, 10_000, 100_000];
const ALPHA = DEFAULT_ALPHA;

// Fewer repetitions where draws are large; the binomial interval is computed for the actual count.
function repetitionsFor(m: number, n: number): number {
  const largest = Math.max(m, n);
  const base = largest <= 1_000 ? 100 : largest <= 10_000 ? 30 : 10;
  return Math.max(10, Math.round(base * SCALE));
}

class Random {
  private state: number;
  private spare: number | null = null;

  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }

  // mulberry32
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  }

  gaussian(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const a = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(a);
    return r * Math.cos(a);
  }

  chiSquare(df: number): number {
    let s = 0;
    for (let i = 0; i < df; i++) s += this.gaussian() ** 2;
    return s;
  }

  poisson(lambda: number): number {
    let k = 0;
    let p = Math.exp(-lambda);
    let f = p;
    const u = this.uniform();
    while (u > f) {
      k++;
      p *= lambda / k;
      f += p;
    }
    return k;
  }
}

interface NumericShape {
  name: string;
  kind: 'numeric';
  sd: number;
  draw(random: Random): number;
}

interface CategoricalShape {
  name: string;
  kind: 'categorical';
  shares: number[];
}

const RARE_SHARES = [0.8, 0.1, 0.05, 0.03, 0.015, 0.005];

const SHAPES: Array<NumericShape | CategoricalShape> = [
  { name: 'normal', kind: 'numeric', sd: 1, draw: (r) => r.gaussian() },
  { name: 'lognormal', kind: 'numeric', sd: Math.sqrt((Math.E - 1) * Math.E), draw: (r) => Math.exp(r.gaussian()) },
  { name: 'student-t(3)', kind: 'numeric', sd: Math.sqrt(3), draw: (r) => r.gaussian() / Math.sqrt(r.chiSquare(3) / 3) },
  { name: 'zero-inflated poisson', kind: 'numeric', sd: Math.sqrt(0.4 * 4 + 0.4 * 0.6 * 16), draw: (r) => (r.uniform() < 0.6 ? 0 : r.poisson(4)) },
  { name: 'categorical, rare classes', kind: 'categorical', shares: RARE_SHARES },
];

const NUMERIC_METHODS: ConcreteDriftMethod[] = ['ks', 'wasserstein_norm', 'psi', 'jensenshannon'];
const CATEGORICAL_METHODS: ConcreteDriftMethod[] = ['chi2', 'psi', 'jensenshannon'];

type Shift = { name: string; numeric?: (x: number, sd: number) => number; shares?: number[] };
const NUMERIC_SHIFTS: Shift[] = [
  { name: '+0.1 sd', numeric: (x, sd) => x + 0.1 * sd },
  { name: '+0.25 sd', numeric: (x, sd) => x + 0.25 * sd },
  { name: 'scale x1.2', numeric: (x) => x * 1.2 },
];
// The 5% class doubles to 10%, taken from the dominant class.
const CATEGORY_SHIFT: Shift = { name: '5% class to 10%', shares: [0.75, 0.1, 0.1, 0.03, 0.015, 0.005] };

function drawSample(shape: NumericShape | CategoricalShape, n: number, random: Random, shift?: Shift): number[] | string[] {
  if (shape.kind === 'numeric') {
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = shift?.numeric ? shift.numeric(shape.draw(random), shape.sd) : shape.draw(random);
    return out;
  }
  const shares = shift?.shares ?? shape.shares;
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    let u = random.uniform();
    let k = 0;
    while (k < shares.length - 1 && u > shares[k]!) u -= shares[k++]!;
    out[i] = `c${k}`;
  }
  return out;
}

/** The fixed rule peers ship for a method: p < 0.05 alone for tests, a distance of 0.1 or more alone. */
function fixedRule(result: DriftResult): boolean {
  return result.method === 'ks' || result.method === 'chi2' ? (result.pValue ?? 1) < 0.05 : result.statistic >= 0.1;
}

/** Exact quantiles of Binomial(n, p) bracketing 99% of its mass. */
function binomialInterval(n: number, p: number): [number, number] {
  let pmf = (1 - p) ** n;
  let cdf = pmf;
  let lo = -1;
  let k = 0;
  if (cdf >= 0.005) lo = 0;
  while (cdf < 0.995 && k < n) {
    pmf *= ((n - k) / (k + 1)) * (p / (1 - p));
    k++;
    cdf += pmf;
    if (lo < 0 && cdf >= 0.005) lo = k;
  }
  return [Math.max(0, lo), k];
}

interface Tally {
  reps: number;
  significant: number;
  drift: number;
  fixed: number;
  power: Map<string, { drift: number; fixed: number }>;
}

const pct = (count: number, reps: number): string => `${((100 * count) / reps).toFixed(1)}%`.padStart(6);

function main(): void {
  const started = performance.now();
  const lines: string[] = [];
  let outside = 0;
  let cells = 0;
  const powerAt1k: string[] = [];
  process.stdout.write(`alpha ${ALPHA}; each cell: fresh baseline and window per repetition; [lo, hi] is the 99% binomial interval of the significant count at alpha\n`);
  for (const [shapeIndex, shape] of SHAPES.entries()) {
    const methods = shape.kind === 'numeric' ? NUMERIC_METHODS : CATEGORICAL_METHODS;
    const shifts = shape.name === 'normal' ? NUMERIC_SHIFTS : shape.kind === 'categorical' ? [CATEGORY_SHIFT] : [];
    lines.push(`\n${shape.name}`);
    lines.push(
      `  ${'method'.padEnd(17)}${'baseline'.padStart(9)}${'window'.padStart(8)}${'reps'.padStart(6)}  ${'signif.'.padStart(7)} ${'[lo, hi]'.padEnd(9)} ${'drift'.padStart(6)} ${'fixed'.padStart(6)}` +
        shifts.map((s) => `  | ${s.name}: drift / fixed`).join(''),
    );
    for (const m of BASELINES) {
      for (const n of WINDOWS) {
        const reps = repetitionsFor(m, n);
        const tallies = new Map<ConcreteDriftMethod, Tally>(
          methods.map((method) => [method, { reps, significant: 0, drift: 0, fixed: 0, power: new Map(shifts.map((s) => [s.name, { drift: 0, fixed: 0 }])) }]),
        );
        for (let rep = 0; rep < reps; rep++) {
          const random = new Random(((shapeIndex + 1) * 1_000_003) ^ (m * 31 + n) ^ (rep * 2_654_435_761));
          const baseline = drawSample(shape, m, random);
          const current = drawSample(shape, n, random);
          const shifted = shifts.map((s) => drawSample(shape, n, random, s));
          const referenceKey = `bench:${shape.name}:${m}:${n}:${rep}`;
          compareMany(baseline, current, methods, { referenceKey }).forEach((result, i) => {
            const tally = tallies.get(methods[i]!)!;
            if (result.significant) tally.significant++;
            if (result.drifted) tally.drift++;
            if (fixedRule(result)) tally.fixed++;
          });
          shifts.forEach((shift, s) => {
            compareMany(baseline, shifted[s]!, methods, { referenceKey }).forEach((detected, i) => {
              const power = tallies.get(methods[i]!)!.power.get(shift.name)!;
              if (detected.drifted) power.drift++;
              if (fixedRule(detected)) power.fixed++;
            });
          });
        }
        for (const method of methods) {
          const t = tallies.get(method)!;
          const [lo, hi] = binomialInterval(t.reps, ALPHA);
          const inside = t.significant >= lo && t.significant <= hi && t.drift <= hi;
          cells++;
          if (!inside) outside++;
          const power = shifts.map((s) => `  | ${pct(t.power.get(s.name)!.drift, t.reps)} / ${pct(t.power.get(s.name)!.fixed, t.reps)}`.padEnd(s.name.length + 20)).join('');
          lines.push(
            `  ${method.padEnd(17)}${String(m).padStart(9)}${String(n).padStart(8)}${String(t.reps).padStart(6)}  ${pct(t.significant, t.reps).padStart(7)} ${`[${lo}, ${hi}]`.padEnd(9)} ${pct(t.drift, t.reps)} ${pct(t.fixed, t.reps)}${power}${inside ? '' : '  <- outside'}`,
          );
          if (shape.name === 'normal' && n === 1_000) {
            powerAt1k.push(`${method} baseline ${m}: ${pct(t.power.get('+0.25 sd')!.drift, t.reps).trim()}`);
          }
        }
      }
      process.stdout.write(`${lines.splice(0).join('\n')}\n`);
    }
  }
  process.stdout.write(
    [
      '',
      `cells with the significant or final count outside the 99% binomial interval of alpha: ${outside} of ${cells} (about ${Math.round(cells * 0.01)} expected by chance)`,
      `power for +0.25 sd on a normal signal at window 1,000: ${powerAt1k.join('; ')}`,
      `run time: ${((performance.now() - started) / 1000).toFixed(1)} s`,
    ].join('\n') + '\n',
  );
}

main();
