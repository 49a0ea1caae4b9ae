import { logGamma, normalSurvival } from './special-functions.js';

const MAX_ITERATIONS = 10_000;
const EPSILON = 1e-16;
const TINY = 1e-300;
const BISECTION_STEPS = 200;

/** Regularised incomplete beta I_x(a, b), by the continued fraction on the side where it converges. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - (logGamma(a) + logGamma(b) - logGamma(a + b));
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

// Modified Lentz evaluation of the continued fraction for I_x(a, b).
function betaContinuedFraction(x: number, a: number, b: number): number {
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return h;
}

/** P(T > t) for Student's t with `degreesOfFreedom` (any positive real; infinite is the normal). */
export function studentTSurvival(t: number, degreesOfFreedom: number): number {
  if (Number.isNaN(t)) return Number.NaN;
  if (!Number.isFinite(degreesOfFreedom)) return normalSurvival(t);
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  const tail = 0.5 * regularizedBeta(degreesOfFreedom / (degreesOfFreedom + t * t), degreesOfFreedom / 2, 0.5);
  return t >= 0 ? tail : 1 - tail;
}

/** The t with P(T > t) = `upperTail`, by bisection on the survival function. */
export function studentTUpperQuantile(upperTail: number, degreesOfFreedom: number): number {
  if (!(upperTail > 0 && upperTail < 1)) throw new RangeError(`upper tail probability must lie in (0, 1), got ${upperTail}`);
  if (upperTail === 0.5) return 0;
  let low = -1;
  let high = 1;
  while (studentTSurvival(low, degreesOfFreedom) < upperTail) low *= 2;
  while (studentTSurvival(high, degreesOfFreedom) > upperTail) high *= 2;
  for (let i = 0; i < BISECTION_STEPS && high - low > 1e-15 * Math.max(1, Math.abs(high)); i++) {
    const middle = (low + high) / 2;
    if (studentTSurvival(middle, degreesOfFreedom) > upperTail) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** The z with P(Z > z) = `upperTail` for a standard normal. */
export function normalUpperQuantile(upperTail: number): number {
  return studentTUpperQuantile(upperTail, Infinity);
}
