import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { type VariableName, variables } from './variables.js';

type Parsed = { [K in VariableName]: z.output<(typeof variables)[K]['schema']> };

export type DatabaseConfig =
  | {
      kind: 'sqlite';
      file: string;
      busyTimeoutMs: number;
      /** Keep raw webhook bodies in files next to the database (store/raw-files.ts); default true. */
      rawFiles?: boolean;
    }
  | { kind: 'postgres'; url: string; schema: string; poolMax: number };

export interface Config
  extends Omit<
    Parsed,
    'databaseUrl' | 'previousMasterKeys' | 'corsOrigins' | 'atlassianScopes' | 'allowHttpHosts' | 'allowedHosts'
  > {
  atlassianScopes: string[];
  allowHttpHosts: string[];
  allowedHosts: string[];
  database: DatabaseConfig;
  previousMasterKeys: string[];
  corsOrigins: string[];
  /** True when the database is the embedded SQLite default (enables the generated master key file). */
  embedded: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Read a JSON config file whose keys are the same variable names as the environment. */
function readConfigFile(file: string): Record<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`SWITCHYARD_CONFIG_FILE: cannot read ${file}: ${(err as Error).message}`]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError([`SWITCHYARD_CONFIG_FILE: ${file} must hold a JSON object of VARIABLE: value`]);
  }
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
}

/**
 * Build the configuration from the environment (which wins) over an optional JSON file.
 * Every problem is collected, so an operator fixes them all in one go.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const fileName = env.SWITCHYARD_CONFIG_FILE;
  const source: Record<string, string | undefined> = {
    ...(fileName ? readConfigFile(path.resolve(cwd, fileName)) : {}),
    ...env,
  };
  const shape: Record<string, z.ZodType> = {};
  const input: Record<string, string | undefined> = {};
  for (const [name, v] of Object.entries(variables)) {
    shape[name] = v.default === '' ? v.schema : (v.schema as z.ZodType).prefault(v.default);
    const names: readonly string[] = [v.env, ...('aliases' in v ? v.aliases : [])];
    const value = names.map((n) => source[n]).find((x) => x !== undefined && x !== '');
    input[name] = value === '' ? undefined : value;
  }
  const result = z.object(shape).safeParse(input);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => {
        const key = issue.path[0] as VariableName;
        return `${variables[key]?.env ?? String(key)}: ${issue.message}`;
      });
  // Replicas on PostgreSQL must share one master key; a generated key file is for the embedded default only.
  if (input.databaseUrl?.startsWith('postgres') === true && input.masterKey === undefined) {
    problems.push(
      'SWITCHYARD_MASTER_KEY: required with PostgreSQL (replicas must share it); generate one with: openssl rand -base64 32',
    );
  }
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  const parsed = result.data as Parsed;
  const dataDir = path.resolve(cwd, parsed.dataDir);
  const url = parsed.databaseUrl;
  const database: DatabaseConfig =
    url?.startsWith('postgres') === true
      ? { kind: 'postgres', url, schema: parsed.databaseSchema, poolMax: parsed.databasePoolMax }
      : {
          kind: 'sqlite',
          file: url ? path.resolve(cwd, url.slice('sqlite:'.length)) : path.join(dataDir, 'switchyard.db'),
          busyTimeoutMs: parsed.sqliteBusyTimeoutMs,
          rawFiles: parsed.sqliteRawFiles,
        };
  return Object.freeze({
    ...parsed,
    dataDir,
    database,
    previousMasterKeys: parsed.previousMasterKeys ?? [],
    corsOrigins: parsed.corsOrigins ?? [],
    atlassianScopes: parsed.atlassianScopes ?? [],
    allowHttpHosts: parsed.allowHttpHosts ?? [],
    allowedHosts: parsed.allowedHosts ?? [],
    embedded: database.kind === 'sqlite',
  });
}
