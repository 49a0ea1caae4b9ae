// A load generator for HTTP benchmarks, run as a worker thread so that client work does not share
// the server's event loop. It imports only node:http: a worker that loaded the whole bench would
// spend its first second compiling modules inside the measured phase. node:http on keep-alive
// sockets rather than fetch, because undici costs several times the CPU per request, and on two
// cores every cycle the client spends is one the server under test does not get.
import http from 'node:http';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';

export interface LoadPhase {
  url: string;
  headers: Record<string, string>;
  /** The name a set of bodies was loaded under. */
  bodies: string;
  concurrency: number;
}

type Message = { load: string; bodies: Uint8Array[] } | { run: LoadPhase };

export interface LoadResult {
  seconds: number;
  latenciesMs: number[];
  statuses: Record<string, number>;
}

function post(agent: http.Agent, target: URL, headers: Record<string, string>, body: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { ...headers, 'content-length': body.length } },
      (response) => {
        response.on('data', () => undefined);
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function run(phase: LoadPhase, sets: Map<string, Uint8Array[]>): Promise<LoadResult> {
  const bodies = sets.get(phase.bodies);
  if (!bodies) throw new Error(`no bodies loaded as "${phase.bodies}"`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: phase.concurrency });
  const target = new URL(phase.url);
  const latenciesMs: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: phase.concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const t0 = performance.now();
        const status = await post(agent, target, phase.headers, body);
        latenciesMs.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { seconds, latenciesMs, statuses };
}

/** A client thread that runs one phase per call; `close()` ends it. */
export class LoadClient {
  private readonly worker = new Worker(new URL(import.meta.url));

  /** Hands the thread a set of bodies ahead of the phases that send it (copying them is not measured). */
  load(name: string, bodies: Uint8Array[]): void {
    this.worker.postMessage({ load: name, bodies } satisfies Message);
  }

  run(phase: LoadPhase): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.worker.once('error', onError);
      this.worker.once('message', (result: LoadResult) => {
        this.worker.off('error', onError);
        resolve(result);
      });
      this.worker.postMessage({ run: phase } satisfies Message);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const sets = new Map<string, Uint8Array[]>();
  port.on('message', (message: Message) => {
    if ('load' in message) {
      sets.set(message.load, message.bodies);
      return;
    }
    void run(message.run, sets).then((result) => port.postMessage(result));
  });
}
