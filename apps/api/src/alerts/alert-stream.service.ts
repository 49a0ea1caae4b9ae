import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AlertEvents } from '@assay/alerts';

const HEARTBEAT_MS = 15_000;

// Server-Sent Events of a project's alert changes; comments keep proxies from closing an idle stream.
@Injectable()
export class AlertStreamService implements OnModuleDestroy {
  private readonly streams = new Set<Response>();

  constructor(private readonly events: AlertEvents) {}

  // An open stream would keep the HTTP server from closing: shutdown ends them, and EventSource
  // clients reconnect (to another instance, or to this one once it is back) after `retry`.
  onModuleDestroy(): void {
    for (const response of this.streams) response.end('retry: 1000\n\n');
    this.streams.clear();
  }

  async serve(projectId: string, request: Request, response: Response): Promise<void> {
    response.status(200);
    response.setHeader('content-type', 'text/event-stream; charset=utf-8');
    response.setHeader('cache-control', 'no-cache, no-transform');
    response.setHeader('connection', 'keep-alive');
    response.setHeader('x-accel-buffering', 'no');
    response.flushHeaders();
    const unsubscribe = await this.events.subscribe(projectId, (event) => {
      response.write(`id: ${event.alert.id}:${event.alert.updatedAt}\nevent: ${event.type}\ndata: ${JSON.stringify(event.alert)}\n\n`);
    });
    response.write(': connected\n\n');
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
    this.streams.add(response);
    request.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.streams.delete(response);
    });
  }
}
