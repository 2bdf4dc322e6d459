import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { keyIdOf } from './envelope.js';
import { Keyring } from './keyring.js';
import { keyFilePath, loadKeyring } from './master-key.js';

const loc = { tenantId: 'ten_a', table: 'oauth_apps', rowId: 'app_1', field: 'client_secret' };

describe('Keyring', () => {
  const master = randomBytes(32);
  const ring = new Keyring(master);

  it('round-trips a secret and never stores it in the clear', () => {
    const sealed = ring.encrypt('s3cret-value', loc);
    expect(sealed.keyId).toBe(keyIdOf(master));
    expect(sealed.ciphertext).not.toContain('s3cret');
    expect(Buffer.from(sealed.ciphertext, 'base64').toString('latin1')).not.toContain('s3cret');
    expect(ring.decrypt(sealed, loc)).toBe('s3cret-value');
  });

  it('uses a fresh data key and IV each time', () => {
    const a = ring.encrypt('same', loc);
    const b = ring.encrypt('same', loc);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.wrappedKey).not.toBe(b.wrappedKey);
  });

  it.each([
    ['tenant', { ...loc, tenantId: 'ten_b' }],
    ['table', { ...loc, table: 'grants' }],
    ['row', { ...loc, rowId: 'app_2' }],
    ['field', { ...loc, field: 'client_id' }],
  ])('refuses a ciphertext moved to another %s', (_what, other) => {
    const sealed = ring.encrypt('bound', loc);
    expect(() => ring.decrypt(sealed, other)).toThrow(/integrity check/);
  });

  it('refuses a tampered ciphertext or wrapped key', () => {
    const sealed = ring.encrypt('intact', loc);
    const flip = (b64: string) => {
      const raw = Buffer.from(b64, 'base64');
      raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
      return raw.toString('base64');
    };
    expect(() => ring.decrypt({ ...sealed, ciphertext: flip(sealed.ciphertext) }, loc)).toThrow();
    expect(() => ring.decrypt({ ...sealed, wrappedKey: flip(sealed.wrappedKey) }, loc)).toThrow(/integrity/);
  });

  it('re-wraps under a new active key while the old key still decrypts', () => {
    const sealed = ring.encrypt('rotate-me', loc);
    const next = new Keyring(randomBytes(32), [master]);
    expect(next.decrypt(sealed, loc)).toBe('rotate-me');
    const rewrapped = next.rewrap(sealed, loc);
    expect(rewrapped.keyId).toBe(next.activeKeyId);
    expect(rewrapped.ciphertext).toBe(sealed.ciphertext);
    expect(new Keyring(randomBytes(32), [randomBytes(32)]).has(rewrapped.keyId)).toBe(false);
    const onlyNew = new Keyring(Buffer.alloc(32, 7));
    expect(() => onlyNew.decrypt(sealed, loc)).toThrow(/SWITCHYARD_PREVIOUS_MASTER_KEYS/);
  });
});

describe('master key loading', () => {
  it('generates a 0600 key file on the embedded default and reuses it', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-key-'));
    const config = loadConfig({ SWITCHYARD_DATA_DIR: dataDir });
    const first = loadKeyring(config);
    expect(first.generatedFile).toBe(keyFilePath(config));
    expect(statSync(keyFilePath(config)).mode & 0o777).toBe(0o600);
    const second = loadKeyring(config);
    expect(second.generatedFile).toBeUndefined();
    expect(second.keyring.activeKeyId).toBe(first.keyring.activeKeyId);
    expect(JSON.parse(readFileSync(keyFilePath(config), 'utf8')).previous).toEqual([]);
  });

  it('takes the key from SWITCHYARD_MASTER_KEY and requires it with PostgreSQL', () => {
    const key = randomBytes(32);
    const env = { SWITCHYARD_MASTER_KEY: key.toString('base64'), SWITCHYARD_DATA_DIR: '/nonexistent' };
    expect(loadKeyring(loadConfig(env)).keyring.activeKeyId).toBe(keyIdOf(key));
    expect(() => loadKeyring(loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/db' }))).toThrow(
      /SWITCHYARD_MASTER_KEY: required with PostgreSQL/,
    );
  });
});
