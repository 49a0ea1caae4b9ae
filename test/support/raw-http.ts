import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Milliseconds from opening the connection to the end of the response. */
  afterMs: number;
}

/** One HTTP/1.1 request written by hand on its own connection, so that a test controls when (and whether) each byte of the body goes out. */
export interface RawRequest {
  /** The response, or null when the server closed the connection without one. */
  response: Promise<RawResponse | null>;
  /** Milliseconds from opening the connection to the server closing it. */
  closed: Promise<number>;
  send(bytes: string | Buffer): void;
  /** Sends one byte of the body every `intervalMs` until the connection ends. */
  drip(intervalMs: number): void;
  destroy(): void;
}

export function openRawRequest(url: string, method: string, headers: Record<string, string>, firstBytes = ''): RawRequest {
  const target = new URL(url);
  const started = Date.now();
  const socket = net.connect(Number(target.port), target.hostname);
  socket.on('error', () => undefined);
  const head = [`${method} ${target.pathname}${target.search} HTTP/1.1`, `Host: ${target.host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  socket.write(`${head}\r\n\r\n${firstBytes}`);
  let dripping: NodeJS.Timeout | null = null;
  const closed = new Promise<number>((resolve) =>
    socket.once('close', () => {
      if (dripping) clearInterval(dripping);
      resolve(Date.now() - started);
    }),
  );
  const response = new Promise<RawResponse | null>((resolve) => {
    let received = Buffer.alloc(0);
    const parse = (): RawResponse | null => {
      const end = received.indexOf('\r\n\r\n');
      if (end === -1) return null;
      const [statusLine, ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
      const parsedHeaders = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      const length = Number(parsedHeaders['content-length'] ?? 0);
      if (received.length < end + 4 + length) return null;
      return { status: Number(statusLine.split(' ')[1]), headers: parsedHeaders, body: received.subarray(end + 4, end + 4 + length).toString('utf8'), afterMs: Date.now() - started };
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const parsed = parse();
      if (parsed) resolve(parsed);
    });
    socket.once('close', () => resolve(parse()));
  });
  return {
    response,
    closed,
    send: (bytes) => {
      if (!socket.destroyed) socket.write(bytes);
    },
    drip: (intervalMs) => {
      dripping = setInterval(() => {
        if (!socket.destroyed && socket.writable) socket.write('a');
      }, intervalMs);
    },
    destroy: () => socket.destroy(),
  };
}
