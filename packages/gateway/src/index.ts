export { type Config, ConfigError, loadConfig } from './config/load.js';
export { createLogger } from './logging/logger.js';
export { createRuntime, type Runtime } from './runtime/runtime.js';
export { buildApp } from './server/app.js';
