/**
 * A small seeded generator (xoshiro128**), so that a null distribution, and with it a check's
 * noise floor and p-value, come out the same every time the same inputs are checked.
 */
export class SeededRandom {
  // Int32 words keep the state in small integers; uint32 values past 2³¹ would be boxed doubles.
  private readonly state = new Int32Array(4);
  private spareGaussian: number | null = null;

  constructor(seed: number) {
    // splitmix32 spreads one seed over the four words of state, none of them zero.
    let s = seed | 0;
    for (let i = 0; i < 4; i++) {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.state[i] = z ^ (z >>> 16) || 1;
    }
  }

  /** Uniform on (0, 1), never exactly 0 or 1. */
  uniform(): number {
    const st = this.state;
    const b = st[1]!;
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9);
    const t = b << 9;
    st[2] = st[2]! ^ st[0]!;
    st[3] = st[3]! ^ b;
    st[1] = b ^ st[2]!;
    st[0] = st[0]! ^ st[3]!;
    st[2] = st[2]! ^ t;
    st[3] = rotl(st[3]!, 11);
    return ((result >>> 0) + 0.5) / 4294967296;
  }

  gaussian(): number {
    if (this.spareGaussian !== null) {
      const spare = this.spareGaussian;
      this.spareGaussian = null;
      return spare;
    }
    const radius = Math.sqrt(-2 * Math.log(this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.spareGaussian = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}

/**
 * Counts of `trials` draws over fixed cells. Few trials are placed one by one (a binary search of
 * the cumulative weights each: an exact multinomial). Many are Poissonised: each cell's count is
 * Poisson(trials·share) on its own, by inversion from a precomputed e^-λ while λ is small and by the
 * normal approximation past that. The total then varies by about √trials, which the statistics
 * absorb by normalising with the total actually drawn.
 */
export class CellSampler {
  private readonly cumulative: Float64Array;
  private readonly lambda: Float64Array;
  private readonly expMinusLambda: Float64Array;
  private readonly sqrtLambda: Float64Array;
  private readonly placeOneByOne: boolean;

  constructor(weights: Float64Array, private readonly total: number, trials: number) {
    const cells = weights.length;
    this.placeOneByOne = trials <= cells;
    this.cumulative = new Float64Array(cells);
    this.lambda = new Float64Array(cells);
    this.expMinusLambda = new Float64Array(cells);
    this.sqrtLambda = new Float64Array(cells);
    let running = 0;
    for (let k = 0; k < cells; k++) {
      this.cumulative[k] = running += weights[k]!;
      const lambda = (trials * weights[k]!) / total;
      this.lambda[k] = lambda;
      this.expMinusLambda[k] = Math.exp(-lambda);
      this.sqrtLambda[k] = Math.sqrt(lambda);
    }
    this.trials = trials;
  }

  private readonly trials: number;

  draw(random: SeededRandom, out: Float64Array): void {
    const cells = out.length;
    if (this.placeOneByOne) {
      out.fill(0);
      const { cumulative } = this;
      for (let t = 0; t < this.trials; t++) {
        const target = random.uniform() * this.total;
        let lo = 0;
        let hi = cells - 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cumulative[mid]! > target) hi = mid;
          else lo = mid + 1;
        }
        out[lo]!++;
      }
      return;
    }
    const { lambda, expMinusLambda, sqrtLambda } = this;
    for (let k = 0; k < cells; k++) {
      const l = lambda[k]!;
      if (l < INVERSION_MAX_MEAN) {
        let count = 0;
        let probability = expMinusLambda[k]!;
        let cumulative = probability;
        const u = random.uniform();
        while (u > cumulative && probability > 0) {
          count++;
          probability *= l / count;
          cumulative += probability;
        }
        out[k] = count;
      } else {
        out[k] = Math.max(0, Math.round(l + sqrtLambda[k]! * random.gaussian()));
      }
    }
  }
}

const INVERSION_MAX_MEAN = 20;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** FNV-1a of a string, to seed a generator from what a null distribution is of. */
export function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
