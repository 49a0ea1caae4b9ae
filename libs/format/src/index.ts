export * from './number-format.js';
