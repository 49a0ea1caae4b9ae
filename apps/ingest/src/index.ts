export * from './ingest.app.js';
export * from './ingest.module.js';
export * from './ingest.service.js';
export * from './otlp-receiver.js';
export * from './sampling-caps.js';
