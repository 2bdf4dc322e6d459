import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/load.js';
import { Keyring } from './keyring.js';

/**
 * The embedded default keeps its master keys in a 0600 file in the data dir:
 * `{"active": "<base64>", "previous": ["<base64>", …]}`. With SWITCHYARD_MASTER_KEY set, the file is ignored.
 */
export interface KeyFile {
  active: string;
  previous: string[];
}

export const keyFilePath = (config: Pick<Config, 'dataDir'>) => path.join(config.dataDir, 'master.key');

export function writeKeyFile(file: string, content: KeyFile): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export function readKeyFile(file: string): KeyFile {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<KeyFile>;
  if (typeof parsed.active !== 'string') throw new Error(`${file} has no active key`);
  return { active: parsed.active, previous: Array.isArray(parsed.previous) ? parsed.previous : [] };
}

export interface LoadedKeyring {
  keyring: Keyring;
  source: 'environment' | 'file';
  /** Set when a new key file was generated on this start. */
  generatedFile?: string;
}

export function loadKeyring(config: Config): LoadedKeyring {
  const decode = (b64: string) => Buffer.from(b64, 'base64');
  if (config.masterKey !== undefined) {
    return {
      keyring: new Keyring(decode(config.masterKey), config.previousMasterKeys.map(decode)),
      source: 'environment',
    };
  }
  if (!config.embedded) {
    throw new Error(
      'SWITCHYARD_MASTER_KEY is required with PostgreSQL (replicas must share it). Generate one with: openssl rand -base64 32',
    );
  }
  const file = keyFilePath(config);
  if (existsSync(file)) {
    const content = readKeyFile(file);
    return { keyring: new Keyring(decode(content.active), content.previous.map(decode)), source: 'file' };
  }
  const key = randomBytes(32);
  writeKeyFile(file, { active: key.toString('base64'), previous: [] });
  return { keyring: new Keyring(key), source: 'file', generatedFile: file };
}
