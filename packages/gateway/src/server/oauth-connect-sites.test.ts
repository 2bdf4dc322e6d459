import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  browse,
  type ConnectGateway,
  startConnectGateway,
  storedCounts,
  submitPicker,
} from '../test-support/connect-gateway.js';
import type { TestSite } from '../test-support/oauth-server.js';

const sites: TestSite[] = [
  { id: 'aaaaaaaa-0000-4000-8000-000000000001', name: 'alpha', url: 'https://alpha.atlassian.net' },
  {
    id: 'bbbbbbbb-0000-4000-8000-000000000002',
    name: 'beta <docs>',
    url: 'https://beta.atlassian.net',
    scopes: ['read:confluence-content.all', 'write:confluence-content'],
  },
  { id: 'cccccccc-0000-4000-8000-000000000003', name: 'gamma', url: 'https://gamma.atlassian.net' },
];

/** Atlassian grants that reach several sites: never "the first one"; the hint, or the user's choice. */
describe('Atlassian sites', () => {
  let gw: ConnectGateway;
  beforeAll(async () => {
    gw = await startConnectGateway({ server: { sites } });
    await gw.api('PUT', '/v1/oauth-apps/atlassian-cloud', {
      client_id: gw.client.clientId,
      client_secret: gw.client.clientSecret,
    });
  });
  afterAll(() => gw.close());
  beforeEach(async () => {
    await gw.t.runtime.db.kysely.deleteFrom('connections').execute();
    await gw.t.runtime.db.kysely.deleteFrom('grants').execute();
    await gw.t.runtime.db.kysely.deleteFrom('secrets').where('owner_table', '=', 'grants').execute();
  });

  async function start(body: Record<string, unknown> = {}) {
    const res = await gw.api('POST', '/v1/connect/atlassian-cloud', { return_url: gw.returnUrl, ...body });
    expect(res.status).toBe(201);
    return browse(gw, (res.body as { authorize_url: string }).authorize_url);
  }

  const pickerState = (html: string) => /name="state" value="([^"]+)"/.exec(html)?.[1] ?? '';

  it('several sites and no hint: a picker page lists them (escaped); only the chosen site is connected', async () => {
    const page = await start();
    expect(page.status).toBe(200);
    expect(page.url.pathname).toBe('/oauth/callback');
    for (const s of sites) expect(page.body).toContain(`value="${s.id}"`);
    expect(page.body).toContain('beta &lt;docs&gt;');
    expect(page.body).not.toContain('beta <docs>');
    expect(page.body).not.toMatch(/<script/i);
    expect(await storedCounts(gw.t)).toMatchObject({ grants: 0, connections: 0, flowSecrets: 2 });

    const reload = await browse(gw, page.url.href, page.jar);
    expect(reload.status).toBe(200);
    expect(reload.body).toContain(`value="${sites[2]?.id}"`);
    expect(gw.as.stats.tokenRequests.authorization_code).toBe(1);

    const chosen = await submitPicker(gw, page.jar, pickerState(page.body), [sites[1]?.id ?? '']);
    expect(chosen.status).toBe(302);
    const ids = chosen.location?.searchParams.get('connection_id')?.split(',') ?? [];
    expect(ids).toHaveLength(1);
    const conn = await gw.t.runtime.store.connections.getConnection(gw.t.admin.tenant.id, ids[0] ?? '');
    expect(conn).toMatchObject({ cloud_id: sites[1]?.id, site_url: 'https://beta.atlassian.net', name: 'beta <docs>' });
    expect(JSON.parse(conn?.products ?? '[]')).toEqual(['confluence']);
    expect(await storedCounts(gw.t)).toEqual({ grants: 1, connections: 1, grantSecrets: 2, flowSecrets: 0 });

    const again = await submitPicker(gw, page.jar, pickerState(page.body), [sites[0]?.id ?? '']);
    expect(again.location?.searchParams.get('error')).toBe('state_reused');
    expect((await storedCounts(gw.t)).connections).toBe(1);
  });

  it('the user may pick several sites: one grant backs a connection per site', async () => {
    const page = await start({ name: 'Work' });
    const chosen = await submitPicker(gw, page.jar, pickerState(page.body), [sites[0]?.id ?? '', sites[2]?.id ?? '']);
    const ids = chosen.location?.searchParams.get('connection_id')?.split(',') ?? [];
    expect(ids).toHaveLength(2);
    const rows = await gw.t.runtime.store.connections.listConnections(gw.t.admin.tenant.id, {}, { limit: 10 });
    expect(rows.map((r) => r.cloud_id).sort()).toEqual([sites[0]?.id, sites[2]?.id].sort());
    expect(new Set(rows.map((r) => r.grant_id)).size).toBe(1);
    expect(rows.map((r) => r.name).sort()).toEqual(['Work (alpha)', 'Work (gamma)']);
  });

  it('choosing nothing shows the picker again; a site that was not granted cannot be smuggled in', async () => {
    const page = await start();
    const none = await submitPicker(gw, page.jar, pickerState(page.body), []);
    expect(none.status).toBe(200);
    expect(none.body).toContain('Choose at least one site.');
    const forged = await submitPicker(gw, page.jar, pickerState(page.body), ['dddddddd-0000-4000-8000-000000000004']);
    expect(forged.status).toBe(200);
    expect((await storedCounts(gw.t)).connections).toBe(0);
  });

  it('the picker form is bound to the browser: a post without its cookie stores nothing', async () => {
    const page = await start();
    const { CookieJar } = await import('../test-support/oauth-browser.js');
    const stranger = await submitPicker(gw, new CookieJar(), pickerState(page.body), [sites[0]?.id ?? '']);
    expect(stranger.location?.searchParams.get('error')).toBe('browser_mismatch');
    expect(await storedCounts(gw.t)).toMatchObject({ grants: 0, connections: 0 });
    const owner = await submitPicker(gw, page.jar, pickerState(page.body), [sites[0]?.id ?? '']);
    expect(owner.location?.searchParams.get('connection_id')).toBeTruthy();
  });

  it('a site hint (URL or cloud id) picks that site without asking', async () => {
    const byUrl = await start({ site: 'https://Gamma.atlassian.net/' });
    const id = byUrl.params?.get('connection_id') ?? '';
    expect((await gw.t.runtime.store.connections.getConnection(gw.t.admin.tenant.id, id))?.cloud_id).toBe(sites[2]?.id);
    const byHost = await start({ site: 'alpha.atlassian.net' });
    expect(byHost.params?.get('connection_id')).toBeTruthy();
    const byCloudId = await start({ site: sites[1]?.id });
    expect(byCloudId.params?.get('connection_id')).toBeTruthy();
    expect((await storedCounts(gw.t)).connections).toBe(3);
  });

  it('a hint for a site the user did not grant fails, and nothing is stored', async () => {
    const before = await storedCounts(gw.t);
    const end = await start({ site: 'https://delta.atlassian.net' });
    expect(end.params?.get('error')).toBe('site_not_granted');
    expect(end.params?.get('error_description')).toContain('https://delta.atlassian.net');
    expect(await storedCounts(gw.t)).toEqual({ ...before, grants: 0, connections: 0, grantSecrets: 0 });
  });

  it('a grant that reaches no site fails with no_accessible_sites', async () => {
    gw.as.setSites([]);
    try {
      const end = await start();
      expect(end.params?.get('error')).toBe('no_accessible_sites');
      expect(await storedCounts(gw.t)).toMatchObject({ grants: 0, connections: 0 });
    } finally {
      gw.as.setSites(sites);
    }
  });
});
