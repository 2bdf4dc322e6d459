import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { type Config, loadConfig } from '../config/load.js';
import { createLogger } from '../logging/logger.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import { buildApp } from '../server/app.js';
import { type BootstrapResult, bootstrap } from '../services/bootstrap.js';
import { dropSchema, testDatabaseUrl, uniqueSchema } from './postgres.js';

export type Kind = 'sqlite' | 'postgres';

/** Captures every log line a test runtime writes. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface TestEnv {
  kind: Kind;
  dataDir: string;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** A fresh data dir, and on PostgreSQL a fresh schema; `extra` adds or overrides variables. */
export function testEnv(kind: Kind, extra: Record<string, string> = {}): TestEnv {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-test-'));
  const env: Record<string, string> = {
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_LOG_LEVEL: 'info',
    SWITCHYARD_PORT: '0',
  };
  let schema: string | undefined;
  if (kind === 'postgres') {
    schema = uniqueSchema();
    Object.assign(env, {
      DATABASE_URL: testDatabaseUrl(),
      DATABASE_SCHEMA: schema,
      SWITCHYARD_MASTER_KEY: randomBytes(32).toString('base64'),
    });
  }
  Object.assign(env, extra);
  return {
    kind,
    dataDir,
    env,
    cleanup: async () => {
      if (schema !== undefined) await dropSchema(schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestApp {
  config: Config;
  runtime: Runtime;
  app: FastifyInstance;
  logs: LogCapture;
  admin: BootstrapResult;
  shutdown(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestApp(
  kind: Kind = 'sqlite',
  extra: Record<string, string> = {},
  beforeReady?: (app: FastifyInstance) => void,
): Promise<TestApp> {
  const te = testEnv(kind, extra);
  const config = loadConfig(te.env);
  const logs = new LogCapture();
  const runtime = await createRuntime(config, createLogger(config.logLevel, logs));
  const admin = await bootstrap(runtime.store);
  if (admin === undefined) throw new Error('bootstrap did not run on a fresh database');
  const { app, shutdown } = await buildApp(runtime);
  beforeReady?.(app);
  await app.ready();
  let closed = false;
  return {
    config,
    runtime,
    app,
    logs,
    admin,
    shutdown,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      await runtime.close();
      await te.cleanup();
    },
  };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
