export * from './worker.app.js';
export * from './worker.module.js';
