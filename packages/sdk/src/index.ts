export * from './client.js';
export * from './connection-client.js';
export * from './contract.js';
export * from './entities.js';
export * from './errors.js';
export * from './events.js';
export * from './events-contract.js';
export * from './jira-client.js';
