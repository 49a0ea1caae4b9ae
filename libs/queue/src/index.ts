export * from './queue-names.js';
export * from './queue.tokens.js';
export * from './queue.service.js';
export * from './queue.module.js';
export * from './job.decorator.js';
export * from './job-registry.js';
export * from './worker.service.js';
export * from './redis.resolver.js';
