export * from './traffic/genai-traffic.js';
export * from './demo/demo.command.js';
export * from './demo/webhook-receiver.js';
