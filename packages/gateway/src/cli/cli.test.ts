import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { loadKeyring, readKeyFile } from '../crypto/master-key.js';
import { SecretService } from '../services/secrets.js';
import { openDatabase } from '../store/connect.js';
import { KyselyStore } from '../store/kysely-store.js';

/**
 * The built CLI and server, run as a user runs them (`./run test` builds dist/ before the tests).
 * Each test gets an empty data dir: the embedded default, exactly as on a first start.
 */
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
const cliJs = path.join(dist, 'cli/main.js');
const mainJs = path.join(dist, 'main.js');

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-cli-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  return { ...env, SWITCHYARD_LOG_LEVEL: 'warn', ...extra };
}

function cli(dir: string, args: string[], extra: Record<string, string> = {}) {
  const res = spawnSync(process.execPath, [cliJs, ...args], {
    env: cleanEnv({ SWITCHYARD_DATA_DIR: dir, ...extra }),
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}
const json = <T>(r: { stdout: string }): T => JSON.parse(r.stdout) as T;

beforeAll(() => {
  if (!existsSync(cliJs) || !existsSync(mainJs)) {
    throw new Error(`${dist} is not built: run the suite with ./run test (it builds first)`);
  }
});

describe('switchyard CLI', () => {
  it('migrates, then reports the database up to date', () => {
    const dir = dataDir();
    const first = cli(dir, ['migrate']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/applied migrations: 0001-initial/);
    expect(cli(dir, ['migrate']).stdout).toMatch(/up to date/);
  });

  it('creates and lists tenants and keys; a revoked key shows its revocation; --json stays parseable', () => {
    const dir = dataDir();
    // The first command on an empty database creates the default tenant and admin key, on stderr.
    const created = cli(dir, ['tenants', 'create', 'Acme Corp', '--slug', 'acme', '--json']);
    expect(created.code).toBe(0);
    expect(created.stderr).toContain('ADMIN API KEY');
    const tenant = json<{ id: string; slug: string }>(created);
    expect(tenant.slug).toBe('acme');
    expect(statSync(path.join(dir, 'admin-key.txt')).mode & 0o777).toBe(0o600);

    const tenants = json<Array<{ slug: string }>>(cli(dir, ['tenants', 'list', '--json']));
    expect(tenants.map((t) => t.slug).sort()).toEqual(['acme', 'default']);

    const key = json<{ id: string; key: string; role: string; tenant_id: string }>(
      cli(dir, ['keys', 'create', '--name', 'ci', '--tenant', 'acme', '--json']),
    );
    expect(key.key).toMatch(/^syk_[a-z0-9]{26}_[A-Za-z0-9_-]{43}$/);
    expect(key.tenant_id).toBe(tenant.id);
    expect(key.role).toBe('tenant');

    const listed = json<Array<{ id: string; key?: string }>>(cli(dir, ['keys', 'list', '--tenant', 'acme', '--json']));
    expect(listed.map((k) => k.id)).toEqual([key.id]);
    expect(listed[0]).not.toHaveProperty('key'); // shown once, at creation only

    const revoked = json<{ revoked_at: string | null }>(cli(dir, ['keys', 'revoke', key.id, '--json']));
    expect(revoked.revoked_at).not.toBeNull();

    // The plain table for humans.
    const table = cli(dir, ['keys', 'list', '--tenant', 'acme']);
    expect(table.stdout.split('\n')[0]).toMatch(/^id\s+tenant_id\s+name\s+role/);
  });

  it('explains a usage mistake and exits 64; an unknown tenant exits non-zero with the reason', () => {
    const dir = dataDir();
    const bad = cli(dir, ['keys', 'create']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('keys create needs --name');
    expect(bad.stderr).toContain('Usage:');
    const missing = cli(dir, ['keys', 'list', '--tenant', 'nope']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/nope/);
  });

  it('rotate-master re-wraps every secret under a new key; the secret still decrypts; --retire-previous drops the old key', async () => {
    const dir = dataDir();
    const tenantId = json<Array<{ id: string }>>(cli(dir, ['tenants', 'list', '--json']))[0]?.id ?? '';
    const config = loadConfig({ SWITCHYARD_DATA_DIR: dir });
    const stored = async () => {
      const db = openDatabase(config.database);
      try {
        const secrets = new SecretService(new KyselyStore(db), loadKeyring(config).keyring);
        return await secrets.get(tenantId, 'oauth_apps', 'app_1', 'client_secret');
      } finally {
        await db.destroy();
      }
    };
    {
      const db = openDatabase(config.database);
      const loaded = loadKeyring(config);
      await new SecretService(new KyselyStore(db), loaded.keyring).put(
        tenantId,
        'oauth_apps',
        'app_1',
        'client_secret',
        'hunter2-secret',
      );
      await db.destroy();
    }
    const before = readKeyFile(path.join(dir, 'master.key'));

    const rotated = cli(dir, ['keys', 'rotate-master', '--json']);
    expect(rotated.code).toBe(0);
    const report = json<{ rewrapped: number; retired: string[] }>(rotated);
    expect(report.rewrapped).toBe(1);
    const after = readKeyFile(path.join(dir, 'master.key'));
    expect(after.active).not.toBe(before.active);
    expect(after.previous).toContain(before.active);
    expect(statSync(path.join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(await stored()).toBe('hunter2-secret');

    const retired = json<{ retired: string[] }>(cli(dir, ['keys', 'rotate-master', '--retire-previous', '--json']));
    expect(retired.retired.length).toBeGreaterThan(0);
    expect(readKeyFile(path.join(dir, 'master.key')).previous).toEqual([]);
    expect(await stored()).toBe('hunter2-secret');
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

describe('the gateway process', () => {
  it('starts on the embedded default: prints the admin key, answers /healthz and /v1/me, stops cleanly on SIGTERM', async () => {
    const dir = dataDir();
    const port = await freePort();
    const child = spawn(process.execPath, [mainJs], {
      env: cleanEnv({ SWITCHYARD_DATA_DIR: dir, SWITCHYARD_PORT: String(port), SWITCHYARD_LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    try {
      const deadline = Date.now() + 20_000;
      while (!stdout.includes('switchyard ready')) {
        if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}: ${stdout}`);
        if (Date.now() > deadline) throw new Error(`gateway did not start: ${stdout}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const key = /^\s+(syk_\S+)$/m.exec(stdout)?.[1];
      expect(key).toBeDefined();
      expect(stdout).toContain('ADMIN API KEY');
      expect(readFileSync(path.join(dir, 'admin-key.txt'), 'utf8').trim()).toBe(key);
      expect(statSync(path.join(dir, 'admin-key.txt')).mode & 0o777).toBe(0o600);
      expect(statSync(path.join(dir, 'master.key')).mode & 0o777).toBe(0o600);
      // The key is never in a log line, only in the banner.
      const logLines = stdout.split('\n').filter((l) => l.startsWith('{'));
      expect(logLines.length).toBeGreaterThan(0);
      expect(logLines.join('\n')).not.toContain(key);

      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      const me = await fetch(`http://127.0.0.1:${port}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { tenant: { slug: string } }).tenant.slug).toBe('default');

      child.kill('SIGTERM');
      expect(await waitForExit(child)).toBe(0);
      expect(stdout).toContain('stopped');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('prints the admin key only on the first start', async () => {
    const dir = dataDir();
    expect(cli(dir, ['migrate']).code).toBe(0);
    expect(cli(dir, ['tenants', 'list']).stderr).toContain('ADMIN API KEY');
    expect(cli(dir, ['tenants', 'list']).stderr).not.toContain('ADMIN API KEY');
  });

  it('refuses a bad configuration with every problem listed and exit code 78', () => {
    const res = spawnSync(process.execPath, [mainJs], {
      env: cleanEnv({ SWITCHYARD_PORT: 'eighty', SWITCHYARD_LOG_LEVEL: 'loud', DATABASE_URL: 'postgres://x@h/db' }),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(res.status).toBe(78);
    expect(res.stderr).toContain('SWITCHYARD_PORT');
    expect(res.stderr).toContain('SWITCHYARD_LOG_LEVEL');
    expect(res.stderr).toContain('SWITCHYARD_MASTER_KEY');
    expect(res.stderr).toContain('docs/configuration.md');
  });
});
