import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface SpawnedProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnProcess(command: string, args: string[], env: NodeJS.ProcessEnv): SpawnedProcess {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export const CLI = path.resolve('dist/apps/cli/src/main.js');

export function spawnAssay(args: string[], env: NodeJS.ProcessEnv): SpawnedProcess {
  return spawnProcess(process.execPath, [CLI, ...args], env);
}

export function spawnRedis(port: number): SpawnedProcess {
  return spawnProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], process.env);
}

export async function startRedis(port: number): Promise<SpawnedProcess> {
  const redis = spawnRedis(port);
  const { pingRedis } = await import('@assay/queue');
  const deadline = Date.now() + 10_000;
  while (!(await pingRedis(`redis://127.0.0.1:${port}`, 300))) {
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start: ${redis.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return redis;
}
