export interface DemoArgs {
  serve: boolean;
  reset: boolean;
  host?: string;
}

export function parseDemoArgs(args: string[]): DemoArgs | { error: string } {
  const parsed: DemoArgs = { serve: true, reset: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--no-serve') parsed.serve = false;
    else if (arg === '--reset') parsed.reset = true;
    else if (arg === '--host' || arg.startsWith('--host=')) {
      const host = arg === '--host' ? args[++i] : arg.slice('--host='.length);
      if (!host || host.startsWith('--')) return { error: '--host needs an address, e.g. --host 0.0.0.0' };
      parsed.host = host;
    } else return { error: `unknown option ${arg}` };
  }
  return parsed;
}
