export * from './http.js';
export * from './assay.js';
export * from './factories.js';
export * from './processes.js';
export * from '@assay/cli';
export * from './fuzz.js';
export * from './otlp-json.js';
export * from './database.js';
