export * from './client.js';
export * from './contract.js';
export * from './errors.js';
