export * from './gate-policy.js';
export * from './gate-evaluation.js';
export * from './gate-statement.js';
export * from './gates.service.js';
export * from './gates.module.js';
