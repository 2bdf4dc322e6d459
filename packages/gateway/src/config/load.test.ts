import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.js';

describe('loadConfig', () => {
  it('has the documented defaults: 127.0.0.1:3001, ./data, SQLite in the data dir', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(3001);
    expect(config.dataDir).toBe('/srv/app/data');
    expect(config.database).toEqual({
      kind: 'sqlite',
      file: '/srv/app/data/switchyard.db',
      busyTimeoutMs: 5000,
      rawFiles: true,
    });
    expect(config.embedded).toBe(true);
    expect(config.corsOrigins).toEqual([]);
  });

  it('selects PostgreSQL from DATABASE_URL', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/sw',
      DATABASE_SCHEMA: 'sw',
      DATABASE_POOL_MAX: '4',
      SWITCHYARD_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/sw', schema: 'sw', poolMax: 4 });
    expect(config.embedded).toBe(false);
  });

  it('requires a shared master key on PostgreSQL, listed with the other problems', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@db/sw', SWITCHYARD_PORT: 'x' })).toThrow(
      expect.objectContaining({
        problems: [
          expect.stringMatching(/^SWITCHYARD_PORT:/),
          expect.stringMatching(/^SWITCHYARD_MASTER_KEY: required/),
        ],
      }),
    );
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadConfig({
        SWITCHYARD_PORT: 'eighty',
        SWITCHYARD_LOG_LEVEL: 'loud',
        SWITCHYARD_MASTER_KEY: 'c2hvcnQ=',
        DATABASE_URL: 'mysql://x',
        SWITCHYARD_TRUST_PROXY: 'maybe',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(5);
    for (const name of [
      'SWITCHYARD_PORT',
      'SWITCHYARD_LOG_LEVEL',
      'SWITCHYARD_MASTER_KEY',
      'DATABASE_URL',
      'SWITCHYARD_TRUST_PROXY',
    ]) {
      expect(problems.some((p) => p.startsWith(`${name}:`))).toBe(true);
    }
    expect((error as Error).message).toContain('openssl rand -base64 32');
  });

  it('reads a JSON config file, with the environment winning', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-cfg-'));
    const file = path.join(dir, 'switchyard.json');
    writeFileSync(
      file,
      JSON.stringify({
        SWITCHYARD_PORT: 4000,
        SWITCHYARD_HOST: '0.0.0.0',
        SWITCHYARD_CORS_ORIGINS: 'https://a.example',
      }),
    );
    const config = loadConfig({ SWITCHYARD_CONFIG_FILE: file, SWITCHYARD_HOST: '127.0.0.2' });
    expect(config.port).toBe(4000);
    expect(config.host).toBe('127.0.0.2');
    expect(config.corsOrigins).toEqual(['https://a.example']);
    expect(() => loadConfig({ SWITCHYARD_CONFIG_FILE: path.join(dir, 'missing.json') })).toThrow(ConfigError);
  });

  it('parses key lists and booleans', () => {
    const k = Buffer.alloc(32, 1).toString('base64');
    const config = loadConfig({ SWITCHYARD_PREVIOUS_MASTER_KEYS: ` ${k}, ${k} `, SWITCHYARD_METRICS: 'false' });
    expect(config.previousMasterKeys).toEqual([k, k]);
    expect(config.metricsEnabled).toBe(false);
  });
});
