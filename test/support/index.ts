export * from './http.js';
export * from './assay.js';
export * from './factories.js';
export * from './processes.js';
