export const QUEUE_OPTIONS = Symbol('QUEUE_OPTIONS');

export interface QueueModuleOptions {
  redisUrl: string;
  prefix: string;
  consume: 'all' | string[] | 'none';
  concurrency: number;
}
