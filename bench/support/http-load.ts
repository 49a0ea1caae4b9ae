// A load generator for HTTP benchmarks, run as a worker thread so that client work does not share
// the server's event loop. It imports only node built-ins: a worker that loaded the whole bench
// would spend its first second compiling modules inside the measured phase. It speaks HTTP/1.1 on
// plain keep-alive sockets (one request in flight per socket, the request written in one go, the
// answer read by its Content-Length) rather than through node:http or fetch: on two cores every
// cycle the client spends is one the server under test does not get, and node:http's request
// machinery cost the client thread about as much CPU as PostgreSQL used.
import net from 'node:net';
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

const HEADER_END = Buffer.from('\r\n\r\n');

/** One keep-alive connection: sends a request, resolves with the answer's status once its body is read. */
class Connection {
  private socket: net.Socket | null = null;
  private buffered: Buffer = Buffer.alloc(0);
  private pending: { resolve(status: number): void; reject(error: Error): void } | null = null;

  constructor(private readonly target: URL) {}

  send(head: Buffer, body: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      const socket = this.socket ?? this.connect();
      socket.cork();
      socket.write(head);
      socket.write(body);
      socket.uncork();
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private connect(): net.Socket {
    const socket = net.connect({ host: this.target.hostname, port: Number(this.target.port), noDelay: true });
    this.socket = socket;
    this.buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    const fail = (error: Error): void => {
      if (this.socket === socket) this.socket = null;
      const pending = this.pending;
      this.pending = null;
      pending?.reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the server closed the connection before answering')));
    return socket;
  }

  private read(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const end = this.buffered.indexOf(HEADER_END);
    if (end === -1) return;
    const head = this.buffered.toString('latin1', 0, end);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    const total = end + HEADER_END.length + length;
    if (this.buffered.length < total) return;
    this.buffered = this.buffered.subarray(total);
    const status = Number(head.slice(9, 12));
    if (/\r\nconnection: *close/i.test(head)) this.close();
    const pending = this.pending;
    this.pending = null;
    pending?.resolve(status);
  }
}

function requestHead(target: URL, headers: Record<string, string>, length: number): Buffer {
  let head = `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  return Buffer.from(`${head}Content-Length: ${length}\r\n\r\n`, 'latin1');
}

async function run(phase: LoadPhase, sets: Map<string, Uint8Array[]>): Promise<LoadResult> {
  const bodies = sets.get(phase.bodies);
  if (!bodies) throw new Error(`no bodies loaded as "${phase.bodies}"`);
  const target = new URL(phase.url);
  const connections = Array.from({ length: phase.concurrency }, () => new Connection(target));
  const latenciesMs: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    connections.map(async (connection) => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const t0 = performance.now();
        const status = await connection.send(requestHead(target, phase.headers, body.length), body);
        latenciesMs.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const connection of connections) connection.close();
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
