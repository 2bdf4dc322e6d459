import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, type FakeUpstream, startFakeUpstream } from '../test-support/fake-upstream.js';

/**
 * The built `switchyard connections` command, run as a user runs it, against a local vendor. The child runs
 * asynchronously: the vendor answers from this process.
 */
const cliJs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli/main.js');
const PAT = 'pat-cli-0123456789abcdefCLI9';

let up: FakeUpstream;
let dir: string;

function cli(args: string[], opts: { env?: Record<string, string>; stdin?: string } = {}) {
  const child = spawn(process.execPath, [cliJs, 'connections', ...args], {
    env: {
      PATH: process.env.PATH,
      SWITCHYARD_DATA_DIR: dir,
      SWITCHYARD_LOG_LEVEL: 'warn',
      SWITCHYARD_ALLOWED_HOSTS: '127.0.0.1',
      SWITCHYARD_ALLOW_HTTP_HOSTS: '127.0.0.1',
      ...opts.env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdin.end(opts.stdin ?? '');
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

beforeAll(async () => {
  if (!existsSync(cliJs)) throw new Error(`${cliJs} is not built: run the suite with ./run test (it builds first)`);
  up = await startFakeUpstream();
  up.accept(`Bearer ${PAT}`, { id: '1', name: 'Jane Doe', email: 'jane@example.com', key: 'jdoe' });
  up.accept(basic('jdoe', 'pw-from-stdin'), { id: '1', name: 'Jane Doe', email: 'jane@example.com', key: 'jdoe' });
  dir = mkdtempSync(path.join(tmpdir(), 'switchyard-cli-conn-'));
});
afterAll(async () => {
  await up?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('switchyard connections', () => {
  it('creates from an env var or stdin, lists, tests, deletes; never takes a secret on the command line', async () => {
    const argvSecret = await cli([
      'create',
      '--provider',
      'jira-dc',
      '--auth-type',
      'personal_access_token',
      '--token',
      PAT,
    ]);
    expect(argvSecret.code).toBe(64);
    expect(argvSecret.stderr).toContain('never taken on the command line');

    const created = await cli(
      [
        'create',
        '--provider',
        'jira-dc',
        '--auth-type',
        'personal_access_token',
        '--base-url',
        up.url,
        '--token-env',
        'JIRA_PAT',
        '--json',
      ],
      { env: { JIRA_PAT: PAT } },
    );
    expect(created.code).toBe(0);
    const conn = JSON.parse(created.stdout) as { id: string; account: { name: string } };
    expect(conn.account.name).toBe('Jane Doe');
    expect(created.stdout + created.stderr).not.toContain(PAT);

    const piped = await cli(
      [
        'create',
        '--provider',
        'jira-dc',
        '--auth-type',
        'basic',
        '--username',
        'jdoe',
        '--base-url',
        up.url,
        '--token-stdin',
      ],
      { stdin: 'pw-from-stdin\n' },
    );
    expect(piped.code).toBe(0);
    expect(piped.stdout).toContain('Jane Doe');

    const refused = await cli(
      [
        'create',
        '--provider',
        'jira-dc',
        '--auth-type',
        'personal_access_token',
        '--base-url',
        up.url,
        '--token-env',
        'BAD',
      ],
      { env: { BAD: 'not-accepted' } },
    );
    expect(refused.code).toBe(64);
    expect(refused.stderr).toContain('rejected the credential');

    const list = await cli(['list']);
    expect(list.stdout).toMatch(/id\s+provider\s+name\s+auth\s+account\s+status/);
    expect(list.stdout.split('\n').filter((l) => l.startsWith('con_'))).toHaveLength(2);

    const tested = await cli(['test', conn.id, '--json']);
    expect(tested.code).toBe(0);
    expect(JSON.parse(tested.stdout)).toMatchObject({ ok: true, account: { name: 'Jane Doe' } });
    up.revoke(`Bearer ${PAT}`);
    const failed = await cli(['test', conn.id, '--json']);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ ok: false, error: { code: 'TOKEN_EXPIRED' } });

    expect((await cli(['delete', conn.id])).stdout.trim()).toBe('deleted');
    expect((await cli(['delete', conn.id])).stdout.trim()).toBe('already gone');
    expect((await cli(['get', conn.id])).code).toBe(1);
  }, 60_000); // eleven CLI processes, each opening the database
});
