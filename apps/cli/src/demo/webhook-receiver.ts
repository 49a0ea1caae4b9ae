import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedDelivery {
  id: string;
  verified: boolean;
  error: string | null;
  body: unknown;
  receivedAt: Date;
}

/** A subscriber endpoint on loopback that checks every delivery with the Standard Webhooks reference library. */
export class WebhookReceiver {
  readonly deliveries: ReceivedDelivery[] = [];
  private server: http.Server | null = null;
  private secret: string | null = null;
  private waiters: Array<() => void> = [];

  setSecret(secret: string): void {
    this.secret = secret;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= 1 << 20) chunks.push(chunk);
      });
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        let verified = false;
        let error: string | null = null;
        let body: unknown = raw;
        try {
          if (!this.secret) throw new Error('no secret configured yet');
          body = new Webhook(this.secret).verify(raw, headers);
          verified = true;
        } catch (e) {
          error = (e as Error).message;
        }
        this.deliveries.push({ id: headers['webhook-id'] ?? '', verified, error, body, receivedAt: new Date() });
        for (const wake of this.waiters.splice(0)) wake();
        res.writeHead(verified ? 204 : 401).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/assay`;
  }

  async waitFor(predicate: (d: ReceivedDelivery) => boolean, timeoutMs: number): Promise<ReceivedDelivery> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.deliveries.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching webhook delivery within ${timeoutMs} ms (${this.deliveries.length} received)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
