import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { QUEUE_OPTIONS, type QueueModuleOptions } from '@assay/queue';
import type { AlertView } from './alert-view.js';

export type AlertEventType = 'alert.fired' | 'alert.updated' | 'alert.acknowledged' | 'alert.resolved';

export interface AlertEvent {
  type: AlertEventType;
  projectId: string;
  alert: AlertView;
}

type Listener = (event: AlertEvent) => void;

// Alert changes fan out through Redis pub/sub, so that a change made by a worker reaches the
// dashboards connected to any API process.
@Injectable()
export class AlertEvents implements OnModuleDestroy {
  private readonly logger = new Logger('AlertEvents');
  private readonly channel: string;
  private publisher: Redis | null = null;
  private subscriber: Redis | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();
  private closed = false;

  constructor(@Inject(QUEUE_OPTIONS) private readonly options: QueueModuleOptions) {
    this.channel = `${options.prefix}:alert-events`;
  }

  async publish(events: AlertEvent[]): Promise<void> {
    if (events.length === 0 || this.closed) return;
    // Bounded, so that a Redis that stops answering without closing its connections cannot hold the transition up.
    this.publisher ??= this.connect({ commandTimeout: 1000 });
    for (const event of events) {
      // Best effort: a dashboard missing an event must not fail the transition that caused it.
      await this.publisher.publish(this.channel, JSON.stringify(event)).catch((error: Error) => this.logger.warn(`publishing an alert event failed: ${error.message}`));
    }
  }

  async subscribe(projectId: string, listener: Listener): Promise<() => void> {
    if (!this.subscriber) {
      this.subscriber = this.connect();
      this.subscriber.on('message', (_channel: string, message: string) => this.dispatch(message));
      await this.subscriber.subscribe(this.channel);
    }
    let set = this.listeners.get(projectId);
    if (!set) this.listeners.set(projectId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(projectId);
    };
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    await Promise.all([this.publisher, this.subscriber].map((c) => c?.quit().catch(() => c.disconnect())));
  }

  private connect(options: { commandTimeout?: number } = {}): Redis {
    const client = new Redis(this.options.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: false, ...options });
    client.on('error', (error: Error) => this.logger.warn(`redis: ${error.message}`));
    return client;
  }

  private dispatch(message: string): void {
    let event: AlertEvent;
    try {
      event = JSON.parse(message) as AlertEvent;
    } catch {
      return;
    }
    for (const listener of this.listeners.get(event.projectId) ?? []) listener(event);
  }
}
