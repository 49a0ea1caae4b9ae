import { appMetrics, type MetricsApp } from '../health/metrics.js';

const refusedOf = (app: MetricsApp) =>
  appMetrics(app).counter('assay_admission_refused_total', 'Requests refused before their body was read, by app and reason', ['app', 'reason'] as const);

/**
 * Request bytes one process holds at once (bodies as received, and again as inflated), shared by
 * every app in the process. An empty budget takes any one request, so a budget smaller than the
 * largest body still lets that body through, alone.
 */
export class BodyBudget {
  private used = 0;

  constructor(readonly bytes: number) {}

  get inUse(): number {
    return this.used;
  }

  get room(): number {
    return Math.max(0, this.bytes - this.used);
  }

  take(bytes: number): boolean {
    if (this.used > 0 && this.used + bytes > this.bytes) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used -= bytes;
  }
}

export interface AdmissionLimits {
  /** Requests the app serves at once. */
  maxInFlight: number;
  /** Share, in percent, of maxInFlight and of the budget's bytes that one key may hold. */
  keySharePercent: number;
}

export interface AdmissionRefusal {
  status: 429 | 503;
  message: string;
  retryAfterSeconds: number;
}

const RETRY_AFTER_SECONDS = 1;

interface KeyLoad {
  requests: number;
  bytes: number;
}

/**
 * Per-key fairness for one app: each key (an API key id, or one bucket for requests without a valid
 * key) may hold its share of the app's in-flight requests and of the process's body budget, so a key
 * that opens many slow or large requests is refused (429) while other keys are still served.
 */
export class Admission {
  private inFlight = 0;
  private readonly keys = new Map<string, KeyLoad>();
  readonly keyRequestShare: number;
  readonly keyByteShare: number;
  // Made with the app, so the family is on its scrape before the first refusal and rules over it have a series to see.
  private readonly refused;

  constructor(
    private readonly app: MetricsApp,
    readonly budget: BodyBudget,
    private readonly limits: AdmissionLimits,
  ) {
    this.keyRequestShare = Math.max(1, Math.floor((limits.maxInFlight * limits.keySharePercent) / 100));
    this.keyByteShare = Math.max(1, Math.floor((budget.bytes * limits.keySharePercent) / 100));
    this.refused = refusedOf(app);
  }

  /** A ticket holding one request and `bytes` of the budget for `key`, or why not. */
  admit(key: string, bytes: number): AdmissionTicket | AdmissionRefusal {
    const load = this.keys.get(key) ?? { requests: 0, bytes: 0 };
    if (load.requests >= this.keyRequestShare) {
      return this.refuse('key_requests', 429, `this API key already has ${load.requests} requests in flight, its share of ${this.limits.maxInFlight}; retry later`);
    }
    if (this.inFlight >= this.limits.maxInFlight) return this.refuse('requests', 429, `too many requests in flight (${this.limits.maxInFlight}); retry later`);
    const ticket = new AdmissionTicket(this, key, load);
    const refusal = ticket.hold(bytes);
    if (refusal) return refusal;
    this.inFlight++;
    load.requests++;
    this.keys.set(key, load);
    return ticket;
  }

  /** @internal */
  grow(load: KeyLoad, bytes: number): AdmissionRefusal | null {
    if (load.bytes > 0 && load.bytes + bytes > this.keyByteShare) {
      return this.refuse('key_bytes', 429, `this API key already has ${load.bytes} bytes of requests in flight, its share of ${this.budget.bytes}; retry later`);
    }
    if (!this.budget.take(bytes)) {
      return this.refuse('budget', 503, `the server holds as many request bytes as it may (${this.budget.bytes}); retry later`);
    }
    load.bytes += bytes;
    return null;
  }

  /** @internal */
  roomFor(load: KeyLoad): number {
    const keyRoom = load.bytes === 0 ? Number.POSITIVE_INFINITY : this.keyByteShare - load.bytes;
    const budgetRoom = this.budget.inUse === 0 ? Number.POSITIVE_INFINITY : this.budget.room;
    return Math.max(0, Math.min(keyRoom, budgetRoom));
  }

  /** @internal */
  end(key: string, load: KeyLoad, bytes: number): void {
    this.budget.give(bytes);
    load.bytes -= bytes;
    this.inFlight--;
    load.requests--;
    if (load.requests === 0) this.keys.delete(key);
  }

  private refuse(reason: string, status: 429 | 503, message: string): AdmissionRefusal {
    this.refused.inc({ app: this.app, reason });
    return { status, message, retryAfterSeconds: RETRY_AFTER_SECONDS };
  }
}

export function isRefusal(outcome: AdmissionTicket | AdmissionRefusal): outcome is AdmissionRefusal {
  return !(outcome instanceof AdmissionTicket);
}

/** One admitted request: its bytes may grow while the body arrives and inflates; release() ends it. */
export class AdmissionTicket {
  private bytes = 0;
  private released = false;

  constructor(
    private readonly admission: Admission,
    private readonly key: string,
    private readonly load: KeyLoad,
  ) {}

  get heldBytes(): number {
    return this.bytes;
  }

  /** Bytes this request may still add before hold() refuses. */
  get room(): number {
    return this.admission.roomFor(this.load);
  }

  hold(bytes: number): AdmissionRefusal | null {
    if (bytes <= 0 || this.released) return null;
    const refusal = this.admission.grow(this.load, bytes);
    if (!refusal) this.bytes += bytes;
    return refusal;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.admission.end(this.key, this.load, this.bytes);
  }
}
