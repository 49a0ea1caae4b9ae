import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AlertEvents } from '@assay/alerts';

const HEARTBEAT_MS = 15_000;

// Server-Sent Events of a project's alert changes; comments keep proxies from closing an idle stream.
@Injectable()
export class AlertStreamService {
  constructor(private readonly events: AlertEvents) {}

  async open(projectId: string, request: Request, response: Response): Promise<void> {
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
    request.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }
}
