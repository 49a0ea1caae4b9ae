export * from './api.app.js';
export * from './api.module.js';
