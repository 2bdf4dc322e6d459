import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../test-support/harness.js';

/**
 * Canary secrets are sent through every channel a caller controls and stored through the secret
 * service; none may appear in a log line, an error body or the raw bytes of the database files.
 */
describe('secrets never leak', () => {
  const canary = (name: string) => `CANARY${name}x7Q9zK2m`;
  const canaries = {
    bearer: canary('bearer'),
    cookie: canary('cookie'),
    query: canary('query'),
    queryToken: canary('qtoken'),
    body: canary('body'),
    bodyPassword: canary('bodypw'),
    apiKeyHeader: canary('apikey'),
    stored: canary('stored'),
    thrown: canary('thrown'),
  };
  let t: TestApp;
  const bodies: string[] = [];
  const createdKeys: string[] = [];

  beforeAll(async () => {
    t = await startTestApp('sqlite', { SWITCHYARD_LOG_LEVEL: 'trace' });
    const admin = t.admin.adminKey.key;
    createdKeys.push(admin);
    const send = async (opts: InjectOptions) => {
      const res = await t.app.inject(opts);
      bodies.push(res.body);
      return res;
    };
    await send({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${canaries.bearer}` } });
    await send({ method: 'GET', url: '/v1/me', headers: { authorization: `Basic ${canaries.bearer}` } });
    await send({
      method: 'GET',
      url: '/v1/me',
      headers: { cookie: `session=${canaries.cookie}`, 'x-api-key': canaries.apiKeyHeader },
    });
    await send({
      method: 'GET',
      url: `/v1/tenants?access_token=${canaries.query}&token=${canaries.queryToken}`,
      headers: bearer(admin),
    });
    await send({ method: 'GET', url: `/no-such-route?access_token=${canaries.query}` });
    await send({
      method: 'POST',
      url: '/v1/tenants',
      headers: bearer(admin),
      payload: { name: 'x', client_secret: canaries.body, password: canaries.bodyPassword },
    });
    await send({
      method: 'POST',
      url: '/v1/tenants',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
      payload: `{"client_secret":"${canaries.body}",`,
    });
    const key = await send({
      method: 'POST',
      url: '/v1/keys',
      headers: bearer(admin),
      payload: { name: 'canary key' },
    });
    createdKeys.push(key.json().key);
    await send({ method: 'GET', url: '/v1/me', headers: bearer(key.json().key) });
    await send({ method: 'DELETE', url: `/v1/keys/${key.json().id}`, headers: bearer(admin) });
    await send({ method: 'GET', url: '/v1/me', headers: bearer(key.json().key) });
    await t.runtime.secrets.put(t.admin.tenant.id, 'oauth_apps', 'app_canary', 'client_secret', canaries.stored);
    expect(await t.runtime.secrets.get(t.admin.tenant.id, 'oauth_apps', 'app_canary', 'client_secret')).toBe(
      canaries.stored,
    );
    // A failure whose message carries a credential.
    const original = t.runtime.store.transaction.bind(t.runtime.store);
    t.runtime.store.transaction = async () => {
      throw new Error(`upstream said: Authorization: Bearer ${canaries.thrown} client_secret=${canaries.thrown}`);
    };
    await send({ method: 'POST', url: '/v1/tenants', headers: bearer(admin), payload: { name: 'boom' } });
    t.runtime.store.transaction = original;
    // Flush SQLite's WAL into the main file too; both are read below.
    await t.runtime.store.ping();
  });
  afterAll(() => t?.close());

  const secrets = () => [...Object.values(canaries), ...createdKeys.map((k) => k.slice(31))];

  it('keeps them out of every log line', () => {
    expect(t.logs.lines.length).toBeGreaterThan(10);
    for (const s of secrets()) expect(t.logs.text, s).not.toContain(s);
    expect(t.logs.text).toContain('[REDACTED]');
  });

  it('keeps them out of every error body', () => {
    expect(bodies.some((b) => b.includes('"status":"error"'))).toBe(true);
    const errorBodies = bodies.filter((b) => b.includes('"status":"error"'));
    for (const s of secrets()) for (const b of errorBodies) expect(b, s).not.toContain(s);
  });

  it('keeps them out of the raw bytes of the database files', () => {
    const dir = path.dirname(t.config.database.kind === 'sqlite' ? t.config.database.file : '');
    const files = readdirSync(dir).filter((f) => f.startsWith('switchyard.db'));
    expect(files).toContain('switchyard.db');
    const raw = Buffer.concat(files.map((f) => readFileSync(path.join(dir, f)))).toString('latin1');
    expect(raw).toContain('canary key'); // the files are the right ones
    for (const s of secrets()) expect(raw, s).not.toContain(s);
  });
});
