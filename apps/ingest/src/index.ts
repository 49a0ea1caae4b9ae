export * from './ingest.app.js';
export * from './ingest.module.js';
