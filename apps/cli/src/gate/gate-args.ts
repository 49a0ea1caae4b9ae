export class GateUsageError extends Error {}

export interface GateOptions {
  model: string;
  candidate: string;
  url: string;
  key: string;
  evidenceFile: string | null;
  from: string | null;
  to: string | null;
  baselineId: string | null;
  promote: boolean;
  idempotencyKey: string | null;
  out: string;
  publicKeyFile: string | null;
}

const VALUE_FLAGS = new Set(['--model', '--candidate', '--url', '--key', '--evidence', '--from', '--to', '--baseline', '--idempotency-key', '--out', '--public-key']);

export function parseGateArgs(args: readonly string[], env: NodeJS.ProcessEnv = process.env): GateOptions {
  const values = new Map<string, string>();
  let promote = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (flag === '--promote') {
      promote = true;
    } else if (VALUE_FLAGS.has(flag)) {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) throw new GateUsageError(`${flag} needs a value`);
      values.set(flag, value);
    } else {
      throw new GateUsageError(`unknown argument ${arg}`);
    }
  }
  const required = (flag: string, envName?: string): string => {
    const value = values.get(flag) ?? (envName ? env[envName] : undefined);
    if (!value) throw new GateUsageError(`${flag} is required${envName ? ` (or ${envName})` : ''}`);
    return value;
  };
  const model = required('--model');
  const candidate = required('--candidate');
  if ((values.get('--from') === undefined) !== (values.get('--to') === undefined)) throw new GateUsageError('--from and --to go together');
  if (values.has('--evidence') && values.has('--from')) throw new GateUsageError('give --evidence FILE or a shadow-traffic window (--from/--to), not both');
  const safe = (s: string): string => s.replace(/[^A-Za-z0-9_.-]+/g, '_');
  return {
    model,
    candidate,
    url: required('--url', 'ASSAY_URL'),
    key: required('--key', 'ASSAY_KEY'),
    evidenceFile: values.get('--evidence') ?? null,
    from: values.get('--from') ?? null,
    to: values.get('--to') ?? null,
    baselineId: values.get('--baseline') ?? null,
    promote,
    idempotencyKey: values.get('--idempotency-key') ?? null,
    out: values.get('--out') ?? `assay-gate-${safe(model)}-${safe(candidate)}.dsse.json`,
    publicKeyFile: values.get('--public-key') ?? null,
  };
}
