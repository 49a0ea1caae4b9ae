export * from './config.types.js';
export * from './config.loader.js';
export * from './config.module.js';
export * from './key-file.js';
