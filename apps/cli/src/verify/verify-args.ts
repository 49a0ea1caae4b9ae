import os from 'node:os';
import path from 'node:path';

export class UsageError extends Error {}

export interface VerifyOptions {
  url: string;
  key: string;
  statePath: string;
  publicKeyFile: string | null;
  positional: string[];
}

const VALUE_FLAGS = new Set(['--url', '--key', '--state', '--public-key']);

export function parseVerifyArgs(args: readonly string[], env: NodeJS.ProcessEnv = process.env): VerifyOptions {
  const values = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (VALUE_FLAGS.has(flag)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      values.set(flag, value);
    } else if (arg.startsWith('--')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  const url = values.get('--url') ?? env.ASSAY_URL;
  const key = values.get('--key') ?? env.ASSAY_KEY;
  if (!url) throw new UsageError('--url is required (or ASSAY_URL)');
  if (!key) throw new UsageError('--key is required (or ASSAY_KEY)');
  return {
    url,
    key,
    statePath: values.get('--state') ?? path.join(os.homedir(), '.assay', 'ledger-state.json'),
    publicKeyFile: values.get('--public-key') ?? null,
    positional,
  };
}
