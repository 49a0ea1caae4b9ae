export * from './worker.app.js';
export * from './worker.module.js';
export * from './maintenance/retention.processor.js';
export * from './monitoring/monitoring.processor.js';
