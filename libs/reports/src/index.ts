export * from './report-content.js';
export * from './report-economics.js';
export * from './ledger-multiproof.js';
export * from './report-html.js';
export * from './report-builder.service.js';
export * from './reports.service.js';
export * from './reports.module.js';
export * from './report-cyclonedx.js';
