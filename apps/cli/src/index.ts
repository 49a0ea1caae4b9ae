export * from './traffic/genai-traffic.js';
export * from './demo/demo.command.js';
