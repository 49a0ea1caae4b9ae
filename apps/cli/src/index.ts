export * from './traffic/genai-traffic.js';
