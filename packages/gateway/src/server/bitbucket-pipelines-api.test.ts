import { SwitchyardError } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, seedBitbucketPair, startApiFixture } from '../test-support/api-fixture.js';
import { type ProxyUpstream, startProxyUpstream } from '../test-support/proxy-upstream.js';

const P1 = '{11111111-2222-3333-4444-555555555555}';
const S1 = '{aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee}';
const enc = encodeURIComponent;

const cloudPipeline = (n: number, state: unknown) => ({
  type: 'pipeline',
  uuid: P1,
  build_number: n,
  creator: { type: 'user', account_id: 'a1', display_name: 'Jane' },
  repository: {
    type: 'repository',
    full_name: 'acme/web',
    links: { html: { href: 'https://bitbucket.org/acme/web' } },
  },
  target: {
    type: 'pipeline_ref_target',
    ref_type: 'branch',
    ref_name: 'main',
    commit: { type: 'commit', hash: 'abc123' },
    selector: { type: 'custom', pattern: 'deploy' },
  },
  trigger: { type: 'pipeline_trigger_manual', name: 'MANUAL' },
  state,
  created_on: '2026-11-20T10:00:00.000000+00:00',
  completed_on: '2026-11-20T10:02:30.000000+00:00',
  links: { self: { href: `https://api.bitbucket.org/2.0/repositories/acme/web/pipelines/${P1}` } },
});
const failed = { type: 'pipeline_state_completed', name: 'COMPLETED', result: { name: 'FAILED' } };
const paused = { type: 'pipeline_state_in_progress', name: 'IN_PROGRESS', stage: { name: 'PAUSED' } };

describe('/v1/connections/{id}/bitbucket/repositories/{ws}/{repo}/pipelines', () => {
  let f: ApiFixture;
  /** Another origin: where Cloud parks finished logs. */
  let storage: ProxyUpstream;
  let cloud: string;
  let dc: string;
  beforeAll(async () => {
    f = await startApiFixture((url) => ({ BITBUCKET_API_URL: url }));
    storage = await startProxyUpstream();
    ({ cloud, dc } = await seedBitbucketPair(f));
  });
  afterAll(async () => {
    await f?.close();
    await storage?.close();
  });

  const repo = () => `/v1/connections/${cloud}/bitbucket/repositories/acme/web`;

  it('lists pipelines newest first with Cloud’s status filter, normalizing state, target and links', async () => {
    f.answer({ values: [cloudPipeline(7, failed)], next: `${f.up.url}/2.0/repositories/acme/web/pipelines?page=2` });
    const page = await f.call('GET', `${repo()}/pipelines?status=SUCCESSFUL&limit=5`);
    expect(page.status, page.text).toBe(200);
    expect(f.last().parsed.pathname).toBe('/2.0/repositories/acme/web/pipelines');
    expect(Object.fromEntries(f.last().parsed.searchParams)).toEqual({
      sort: '-created_on',
      status: 'PASSED',
      pagelen: '5',
    });
    expect(page.body?.items).toEqual([
      {
        id: P1,
        build_number: 7,
        state: 'FAILED',
        trigger: 'MANUAL',
        target: {
          ref_type: 'branch',
          ref_name: 'main',
          commit: 'abc123',
          selector: { type: 'custom', pattern: 'deploy' },
        },
        creator: expect.objectContaining({ id: 'a1', display_name: 'Jane' }),
        created_at: '2026-11-20T10:00:00.000Z',
        completed_at: '2026-11-20T10:02:30.000Z',
        duration_seconds: 150,
        vendor_ids: { uuid: P1, build_number: 7 },
        links: {
          web: 'https://bitbucket.org/acme/web/pipelines/results/7',
          api: `https://api.bitbucket.org/2.0/repositories/acme/web/pipelines/${P1}`,
        },
      },
    ]);
    f.answer({ values: [] });
    await f.call('GET', `${repo()}/pipelines?cursor=${page.body?.next_cursor as string}`);
    expect(f.last().url).toBe('/2.0/repositories/acme/web/pipelines?page=2');
    expect((await f.call('GET', `${repo()}/pipelines?status=EXPIRED`)).status).toBe(400);
  });

  it('gets a pipeline by uuid (braces optional), encoding the braces for Cloud', async () => {
    f.answer({ ...cloudPipeline(8, paused), duration_in_seconds: 42, completed_on: undefined });
    const got = await f.call('GET', `${repo()}/pipelines/${P1.slice(1, -1)}`);
    expect(f.last().url).toBe(`/2.0/repositories/acme/web/pipelines/${enc(P1)}`);
    expect(got.body).toMatchObject({ state: 'PAUSED', duration_seconds: 42, completed_at: null });
    expect((await f.call('GET', `${repo()}/pipelines/not-a-uuid`)).status).toBe(400);
  });

  it('runs a custom pipeline on a branch with variables, and stops one', async () => {
    f.answer(cloudPipeline(9, { type: 'pipeline_state_pending', name: 'PENDING' }), 201);
    const run = await f.call('POST', `${repo()}/pipelines`, {
      branch: 'main',
      pipeline: 'deploy',
      variables: [
        { key: 'ENV', value: 'prod' },
        { key: 'TOKEN', value: 's3cret', secured: true },
      ],
    });
    expect(run.status, run.text).toBe(201);
    expect(f.last()).toMatchObject({ method: 'POST', url: '/2.0/repositories/acme/web/pipelines' });
    expect(JSON.parse(f.last().body)).toEqual({
      type: 'pipeline',
      target: {
        type: 'pipeline_ref_target',
        ref_type: 'branch',
        ref_name: 'main',
        selector: { type: 'custom', pattern: 'deploy' },
      },
      variables: [
        { type: 'pipeline_variable', key: 'ENV', value: 'prod' },
        { type: 'pipeline_variable', key: 'TOKEN', value: 's3cret', secured: true },
      ],
    });
    expect(run.body).toMatchObject({ build_number: 9, state: 'PENDING' });

    f.up.answerNext({ status: 204 });
    expect((await f.call('POST', `${repo()}/pipelines/${enc(P1)}/stop`)).status).toBe(204);
    expect(f.last()).toMatchObject({
      method: 'POST',
      url: `/2.0/repositories/acme/web/pipelines/${enc(P1)}/stopPipeline`,
    });
    f.answer({ type: 'error', error: { message: 'The pipeline has already completed.' } }, 400);
    const done = await f.call('POST', `${repo()}/pipelines/${enc(P1)}/stop`);
    expect(done.status).toBe(400);
    expect(done.body).toMatchObject({ code: 'VENDOR_ERROR' });
    expect(done.body?.message).toContain('already completed');
  });

  it('lists steps with their states', async () => {
    f.answer({
      values: [
        {
          type: 'pipeline_step',
          uuid: S1,
          name: 'Build',
          state: { name: 'COMPLETED', result: { name: 'SUCCESSFUL' } },
          started_on: '2026-11-20T10:00:05Z',
          completed_on: '2026-11-20T10:01:05Z',
        },
        { type: 'pipeline_step', uuid: '{s2}', name: 'Deploy', state: { name: 'READY' } },
      ],
    });
    const steps = await f.call('GET', `${repo()}/pipelines/${enc(P1)}/steps`);
    expect(f.last().parsed.pathname).toBe(`/2.0/repositories/acme/web/pipelines/${enc(P1)}/steps`);
    expect(steps.body?.items).toMatchObject([
      { id: S1, name: 'Build', state: 'SUCCESSFUL', duration_seconds: 60, started_at: '2026-11-20T10:00:05.000Z' },
      { id: '{s2}', name: 'Deploy', state: 'PENDING', started_at: null, duration_seconds: null },
    ]);
  });

  const logPath = () => `${repo()}/pipelines/${enc(P1)}/steps/${enc(S1)}/log`;
  const vendorLog = `/2.0/repositories/acme/web/pipelines/${enc(P1)}/steps/${enc(S1)}/log`;

  it('streams a step log as text/plain and passes one Range through', async () => {
    f.up.answerNext({ status: 200, headers: { 'content-type': 'text/html' }, body: '+ make\nok\n' });
    const log = await f.call('GET', logPath());
    expect(log.status).toBe(200);
    expect(log.text).toBe('+ make\nok\n');
    expect(log.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(f.last().url).toBe(vendorLog);
    expect(f.last().headers.authorization).toMatch(/^Basic /);

    f.up.answerNext({ status: 206, headers: { 'content-range': 'bytes 0-1/10' }, body: '+ ' });
    const part = await f.call('GET', logPath(), undefined, { range: 'bytes=0-1' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 0-1/10');
    expect(f.last().headers.range).toBe('bytes=0-1');
    f.up.answerNext({ status: 200, body: 'all' });
    await f.call('GET', logPath(), undefined, { range: 'bytes=0-1,5-9' });
    expect(f.last().headers.range).toBeUndefined(); // several ranges: not passed on
  });

  it('follows a same-origin redirect with the credential, another origin without it', async () => {
    f.up.answerNext({ status: 307, headers: { location: '/2.0/log-store/1' } });
    f.up.answerNext({ status: 200, body: 'same origin' });
    const same = await f.call('GET', logPath());
    expect(same.text).toBe('same origin');
    expect(f.last()).toMatchObject({ url: '/2.0/log-store/1' });
    expect(f.last().headers.authorization).toMatch(/^Basic /);

    const before = f.up.received.length;
    f.up.answerNext({ status: 307, headers: { location: `${storage.url}/logs/abc?X-Amz-Signature=sig` } });
    storage.answerNext({ status: 200, headers: { 'content-type': 'text/html' }, body: 'stored log' });
    const away = await f.call('GET', logPath(), undefined, { range: 'bytes=0-' });
    expect(away.status, away.text).toBe(200);
    expect(away.text).toBe('stored log');
    expect(f.up.received.length).toBe(before + 1);
    expect(f.last(1, storage).url).toBe('/logs/abc?X-Amz-Signature=sig');
    expect(f.last(1, storage).headers.authorization).toBeUndefined();
    expect(f.last(1, storage).headers.range).toBe('bytes=0-');
    expect(JSON.stringify(f.last(1, storage).headers)).not.toContain('bb-cloud-token-1');
  });

  it('maps a missing log to the envelope, and is reachable through the SDK', async () => {
    const sdk = f.sdk;
    f.answer({ type: 'error', error: { message: 'Log not found' } }, 404);
    const err = await sdk.bitbucket.stepLog(cloud, { workspace: 'acme', repo: 'web' }, P1, S1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchyardError);
    expect(err).toMatchObject({ status: 404, code: 'VENDOR_ERROR' });

    f.up.answerNext({ status: 200, body: 'hello' });
    const res = await sdk.bitbucket.stepLog(cloud, { workspace: 'acme', repo: 'web' }, P1, S1, { range: 'bytes=0-4' });
    expect(await res.text()).toBe('hello');
    expect(f.last().headers.range).toBe('bytes=0-4');

    f.answer({ values: [cloudPipeline(3, failed)] });
    const page = await sdk.bitbucket.pipelines(cloud, { workspace: 'acme', repo: 'web' }, { status: 'FAILED' });
    expect(page.items[0]).toMatchObject({ build_number: 3, state: 'FAILED' });
    expect(f.last().parsed.searchParams.get('status')).toBe('FAILED');
  });

  it('refuses pipelines on Data Center before calling it', async () => {
    const before = f.up.received.length;
    const dcRepo = `/v1/connections/${dc}/bitbucket/repositories/PRJ/web`;
    for (const [method, url] of [
      ['GET', `${dcRepo}/pipelines`],
      ['POST', `${dcRepo}/pipelines`],
      ['GET', `${dcRepo}/pipelines/${enc(P1)}/steps/${enc(S1)}/log`],
    ] as const) {
      const res = await f.call(method, url, method === 'POST' ? { branch: 'main' } : undefined);
      expect(res.status, url).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION' });
      expect(res.body?.message).toContain('Data Center has no pipelines');
    }
    expect(f.up.received.length).toBe(before);
  });
});
