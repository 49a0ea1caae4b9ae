import http from 'node:http';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';

export interface ServerTimeouts {
  headersTimeoutMs: number;
  /** Backstop for the whole request, past the app's own body deadlines. */
  requestTimeoutMs: number;
}

/**
 * Nest's Express adapter, with a server that enforces its header and request timeouts within a
 * second: Node checks them every `connectionsCheckingInterval` (30 s by default), which can only be
 * chosen when the server is created.
 */
export class TimedExpressAdapter extends ExpressAdapter {
  constructor(private readonly timeouts: ServerTimeouts) {
    super();
  }

  override initHttpServer(options: NestApplicationOptions): void {
    if (options?.httpsOptions || options?.forceCloseConnections || options?.return503OnClosing) {
      super.initHttpServer(options);
      return;
    }
    this.httpServer = http.createServer(
      {
        headersTimeout: this.timeouts.headersTimeoutMs,
        requestTimeout: Math.max(this.timeouts.requestTimeoutMs, this.timeouts.headersTimeoutMs + 1),
        connectionsCheckingInterval: 1000,
      },
      this.getInstance(),
    );
  }
}
