import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, type FakeUpstream, startFakeUpstream } from '../test-support/fake-upstream.js';
import { bearer, startTestApp, type TestApp } from '../test-support/harness.js';

/**
 * Connection secrets go in on create and on rotation, succeed and fail, and come back from a vendor that
 * echoes them; none may appear in a log line, any answer, or the raw bytes of the database files.
 */
describe('connection secrets never leak', () => {
  const jane = { id: '5b10ac', name: 'Jane Doe', email: 'jane@example.com', key: 'jdoe' };
  const canaries = {
    pat: 'CANARYpatQ9zK2m7x4w',
    rotated: 'CANARYrotK2m7x4wQ9z',
    rejected: 'CANARYrejx4wQ9zK2m7',
    password: 'CANARYpwd7x4wQ9zK2m',
    echoed: 'CANARYechQ9zK2m7x4w',
  };
  let up: FakeUpstream;
  let t: TestApp;
  const bodies: string[] = [];

  beforeAll(async () => {
    up = await startFakeUpstream();
    t = await startTestApp('sqlite', {
      SWITCHYARD_LOG_LEVEL: 'trace',
      SWITCHYARD_ALLOWED_HOSTS: '127.0.0.1',
      SWITCHYARD_ALLOW_HTTP_HOSTS: '127.0.0.1',
    });
    up.accept(`Bearer ${canaries.pat}`, jane);
    up.accept(`Bearer ${canaries.rotated}`, jane);
    up.accept(basic('jdoe', canaries.password), jane);
    const send = async (opts: InjectOptions) => {
      const res = await t.app.inject({ ...opts, headers: bearer(t.admin.adminKey.key) });
      bodies.push(res.body);
      return res;
    };
    const pat = (token: string) => ({
      provider: 'jira-dc',
      auth: { type: 'personal_access_token', token },
      base_url: up.url,
    });
    const created = await send({ method: 'POST', url: '/v1/connections', payload: pat(canaries.pat) });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    await send({ method: 'POST', url: '/v1/connections', payload: pat(canaries.rejected) });
    const pw = {
      provider: 'jira-dc',
      auth: { type: 'basic', username: 'jdoe', password: canaries.password },
      base_url: up.url,
    };
    expect((await send({ method: 'POST', url: '/v1/connections', payload: pw })).statusCode).toBe(201);
    up.echoCredentials(true);
    const echoed = await send({ method: 'POST', url: '/v1/connections', payload: pat(canaries.echoed) });
    expect(echoed.json().message).toContain('Refused [REDACTED]');
    await send({ method: 'PATCH', url: `/v1/connections/${id}`, payload: { auth: { token: canaries.echoed } } });
    up.echoCredentials(false);
    await send({ method: 'PATCH', url: `/v1/connections/${id}`, payload: { auth: { token: canaries.rotated } } });
    await send({ method: 'POST', url: `/v1/connections/${id}/test` });
    up.revoke(`Bearer ${canaries.rotated}`);
    await send({ method: 'POST', url: `/v1/connections/${id}/test` });
    await send({ method: 'GET', url: '/v1/connections' });
    await send({ method: 'GET', url: `/v1/connections/${id}` });
    await t.runtime.store.ping();
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
  });

  it('reached the vendor with them (the test is not vacuous)', () => {
    const sent = up.requests.map((r) => r.authorization ?? '');
    expect(sent).toEqual(
      expect.arrayContaining([`Bearer ${canaries.pat}`, `Bearer ${canaries.rejected}`, `Bearer ${canaries.echoed}`]),
    );
  });

  it('keeps them out of every log line', () => {
    expect(t.logs.lines.length).toBeGreaterThan(10);
    for (const s of Object.values(canaries)) expect(t.logs.text, s).not.toContain(s);
  });

  it('keeps them out of every answer, success or error', () => {
    expect(bodies.length).toBeGreaterThan(8);
    for (const s of Object.values(canaries)) for (const b of bodies) expect(b, s).not.toContain(s);
  });

  it('keeps them out of the raw bytes of the database files', () => {
    const dir = path.dirname(t.config.database.kind === 'sqlite' ? t.config.database.file : '');
    const files = readdirSync(dir).filter((f) => f.startsWith('switchyard.db'));
    const raw = Buffer.concat(files.map((f) => readFileSync(path.join(dir, f)))).toString('latin1');
    expect(raw).toContain('Jira Data Center'); // the files are the right ones
    for (const s of Object.values(canaries)) expect(raw, s).not.toContain(s);
  });
});
