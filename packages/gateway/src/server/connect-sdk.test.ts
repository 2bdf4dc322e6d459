import { SwitchyardClient, type SwitchyardError } from '@switchyard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browse, type ConnectGateway, startConnectGateway } from '../test-support/connect-gateway.js';

/** The SDK's connect, connect-session and OAuth app calls against a listening gateway. */
describe('SDK: connect', () => {
  let gw: ConnectGateway;
  let sdk: SwitchyardClient;
  beforeAll(async () => {
    gw = await startConnectGateway();
    sdk = new SwitchyardClient({ baseUrl: gw.base, apiKey: gw.t.admin.adminKey.key });
  });
  afterAll(() => gw.close());

  it('manages OAuth apps, starts a flow and creates a connect session', async () => {
    const app = await sdk.oauthApps.put('atlassian-cloud', {
      client_id: gw.client.clientId,
      client_secret: gw.client.clientSecret,
    });
    expect(app).toMatchObject({ provider: 'atlassian-cloud', client_id: gw.client.clientId });
    expect(JSON.stringify(app)).not.toContain(gw.client.clientSecret);
    expect((await sdk.oauthApps.list()).items).toEqual([app]);

    const started = await sdk.connect.start('atlassian-cloud', { return_url: gw.returnUrl });
    expect(started.authorize_url.startsWith(`${gw.base}/connect/start/`)).toBe(true);
    expect((await browse(gw, started.authorize_url)).params?.get('connection_id')).toMatch(/^con_/);

    const session = await sdk.connectSessions.create({ provider: 'atlassian-cloud', return_url: gw.returnUrl });
    expect(session.url.startsWith(`${gw.base}/connect/`)).toBe(true);

    await sdk.oauthApps.delete('atlassian-cloud');
    expect((await sdk.oauthApps.list()).items).toEqual([]);
    const err = await sdk.connect.start('atlassian-cloud').catch((e: unknown) => e as SwitchyardError);
    expect(err).toMatchObject({ status: 424, code: 'NOT_CONNECTED' });
  });
});
