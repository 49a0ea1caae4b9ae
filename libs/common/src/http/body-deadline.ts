import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export interface BodyTimeouts {
  /** Longest wait for the next byte of the body. */
  idleMs: number;
  /** Longest time from the headers to the body's last byte. */
  totalMs: number;
}

/** Writes the 408 in the app's own format; the connection is closed after it. */
export type TimeoutAnswer = (req: IncomingMessage, res: ServerResponse, message: string) => void;

interface Watched {
  res: ServerResponse;
  socket: Socket;
  startedAt: number;
  progressAt: number;
  bytesRead: number;
}

export function hasBody(req: IncomingMessage): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Ends the connection once the response is out when the request body is still arriving, so that no
 * more of it is read; the socket is destroyed a moment later if the client does not close its side.
 */
export function closeAfterResponse(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete) return;
  if (!res.headersSent) res.setHeader('Connection', 'close');
  const socket = req.socket;
  res.once('finish', () => {
    socket.end();
    setTimeout(() => socket.destroy(), 1000).unref();
  });
}

/**
 * Read deadlines for request bodies: one timer sweeps every watched request and answers 408 to a
 * body that stopped arriving (idle) or takes too long as a whole, whatever is reading it, and ends
 * the connection of one still arriving after its answer. Progress is the socket's byte count, so
 * watching a body never takes a byte from its reader. Only the time the event loop sat idle counts
 * against a body: while the loop is busy (decoding other bodies) the server is not reading this one,
 * and a body waiting on a busy server is not a slow client.
 */
export class BodyDeadlines {
  private readonly watched = new Map<IncomingMessage, Watched>();
  private timer: NodeJS.Timeout | null = null;
  private lastSweepAt = 0;
  private lastUtilization: EventLoopUtilization = performance.eventLoopUtilization();
  private readonly sweepEveryMs: number;

  constructor(
    private readonly timeouts: BodyTimeouts,
    private readonly answer: TimeoutAnswer,
  ) {
    this.sweepEveryMs = Math.min(1000, Math.max(50, Math.floor(Math.min(timeouts.idleMs, timeouts.totalMs) / 4)));
  }

  watch(req: IncomingMessage, res: ServerResponse): void {
    if (req.complete || !hasBody(req)) return;
    const now = Date.now();
    this.watched.set(req, { res, socket: req.socket, startedAt: now, progressAt: now, bytesRead: req.socket.bytesRead });
    // Watched until the body has arrived, past the response: a refused body that is drained still has to keep coming.
    const forget = (): void => {
      this.watched.delete(req);
    };
    req.once('end', forget);
    req.once('close', forget);
    if (!this.timer) {
      this.lastSweepAt = now;
      this.lastUtilization = performance.eventLoopUtilization();
      this.timer = setInterval(() => this.sweep(), this.sweepEveryMs);
      this.timer.unref();
    }
  }

  private sweep(): void {
    const now = Date.now();
    const utilization = performance.eventLoopUtilization();
    const busy = Math.max(0, now - this.lastSweepAt - performance.eventLoopUtilization(utilization, this.lastUtilization).idle);
    this.lastSweepAt = now;
    this.lastUtilization = utilization;
    for (const [req, watched] of this.watched) {
      watched.startedAt += busy;
      watched.progressAt += busy;
      if (req.complete) {
        this.watched.delete(req);
        continue;
      }
      const bytesRead = watched.socket.bytesRead;
      if (bytesRead !== watched.bytesRead) {
        watched.bytesRead = bytesRead;
        watched.progressAt = now;
      }
      if (now - watched.startedAt > this.timeouts.totalMs) {
        this.expire(req, watched, `the request body did not arrive within ${this.timeouts.totalMs} ms`);
      } else if (now - watched.progressAt > this.timeouts.idleMs) {
        this.expire(req, watched, `no byte of the request body arrived for ${this.timeouts.idleMs} ms`);
      }
    }
    if (this.watched.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private expire(req: IncomingMessage, watched: Watched, message: string): void {
    this.watched.delete(req);
    const { res, socket } = watched;
    if (res.headersSent) {
      socket.destroy();
      return;
    }
    closeAfterResponse(req, res);
    this.answer(req, res, message);
  }
}
