import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browse, type ConnectGateway, startConnectGateway } from '../test-support/connect-gateway.js';

/**
 * `switchyard connect` as a user runs it (the built CLI) next to a running gateway on the same database:
 * it prints the URL, a browser signs in through the gateway, and the CLI prints what was connected.
 */
const cliJs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli/main.js');

interface Run {
  /** Resolves with the authorize URL as soon as the CLI prints it. */
  url: Promise<string>;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function runConnect(gw: ConnectGateway, args: string[]): Run {
  const child = spawn(process.execPath, [cliJs, 'connect', ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SWITCHYARD_LOG_LEVEL: 'warn',
      SWITCHYARD_DATA_DIR: gw.t.config.dataDir,
      SWITCHYARD_PUBLIC_URL: gw.base,
      ATLASSIAN_AUTH_URL: gw.as.url,
      ATLASSIAN_API_URL: gw.as.url,
    },
  });
  let stdout = '';
  let stderr = '';
  let found: (url: string) => void = () => {};
  const url = new Promise<string>((resolve) => {
    found = resolve;
  });
  const scan = () => {
    const m = /(http:\/\/\S+\/connect\/start\/\S+)/.exec(`${stdout}\n${stderr}`);
    if (m?.[1] !== undefined) found(m[1]);
  };
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    scan();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    scan();
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
  return { url, done };
}

describe('switchyard connect', () => {
  let gw: ConnectGateway;
  beforeAll(async () => {
    if (!existsSync(cliJs)) throw new Error(`${cliJs} is not built: run the suite with ./run test (it builds first)`);
    gw = await startConnectGateway();
    await gw.api('PUT', '/v1/oauth-apps/atlassian-cloud', {
      client_id: gw.client.clientId,
      client_secret: gw.client.clientSecret,
    });
  });
  afterAll(() => gw.close());

  it('prints the authorize URL, waits for the browser, then prints the connection id', async () => {
    const run = runConnect(gw, ['atlassian-cloud', '--site', 'acme.atlassian.net']);
    const end = await browse(gw, await run.url);
    expect(end.status).toBe(200);
    expect(end.body).toContain('Connected');
    const { code, stdout } = await run.done;
    expect(code).toBe(0);
    const id = /connected: (con_\w+)/.exec(stdout)?.[1] ?? '';
    expect(await gw.t.runtime.store.connections.getConnection(gw.t.admin.tenant.id, id)).toBeDefined();
    expect(end.body).toContain(id);
  });

  it('--json prints the result as JSON; a refused consent exits 1 with the reason', async () => {
    gw.as.setConsent('deny');
    try {
      const run = runConnect(gw, ['atlassian-cloud', '--json']);
      const end = await browse(gw, await run.url);
      expect(end.status).toBe(400);
      const { code, stdout, stderr } = await run.done;
      expect(code).toBe(1);
      expect(stderr).toMatch(/access_denied/);
      expect(JSON.parse(stdout)).toMatchObject({ error: 'access_denied' });
    } finally {
      gw.as.setConsent('grant');
    }
  });

  it('refuses an unknown provider at once', async () => {
    const { code, stderr } = await runConnect(gw, ['gitlab']).done;
    expect(code).toBe(1);
    expect(stderr).toMatch(/Unknown provider "gitlab"/);
  });
});
