import { describe, expect, it } from 'vitest';
import { SwitchyardClient } from './client.js';

type Seen = { url: string; init: RequestInit };

function recordingClient(answer: Response = new Response('{"ok":true}', { status: 201 })) {
  const seen: Seen[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    seen.push({ url, init });
    return answer;
  }) as unknown as typeof globalThis.fetch;
  return {
    seen,
    client: new SwitchyardClient({ baseUrl: 'http://gw.test/', apiKey: 'syk_key', tenantId: 'ten_1', fetch }),
  };
}

describe('client.connection(id).fetch', () => {
  it('sends the vendor path through the proxy with the API key, keeping the caller’s init', async () => {
    const { seen, client } = recordingClient();
    const res = await client.connection('con_1').fetch('/rest/api/3/issue?fields=summary', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic c2hvdWxkLWxvc2U=' },
      body: '{"fields":{}}',
    });
    expect(res.status).toBe(201);
    const [call] = seen;
    expect(call?.url).toBe('http://gw.test/v1/connections/con_1/proxy/rest/api/3/issue?fields=summary');
    expect(call?.init.method).toBe('POST');
    expect(call?.init.body).toBe('{"fields":{}}');
    const headers = new Headers(call?.init.headers);
    expect(headers.get('authorization')).toBe('Bearer syk_key');
    expect(headers.get('x-tenant-id')).toBe('ten_1');
    expect(headers.get('content-type')).toBe('application/json');
  });

  it('answers the vendor’s Response as it is, errors included', async () => {
    const { client } = recordingClient(new Response('{"errorMessages":["no"]}', { status: 404 }));
    const res = await client.connection('con_1').fetch('/rest/api/3/issue/NOPE-1');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ errorMessages: ['no'] });
  });

  it('streams a ReadableStream body (duplex: half)', async () => {
    const { seen, client } = recordingClient();
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('chunk'));
        controller.close();
      },
    });
    await client.connection('con_1').fetch('/rest/api/3/attachments', { method: 'POST', body });
    expect((seen[0]?.init as { duplex?: string } | undefined)?.duplex).toBe('half');
  });

  it.each(['rest/api', '//evil.example/x', '/rest/../keys', '/rest/%2e%2e/keys', '/rest/.', '/./x'])(
    'refuses %s before sending anything',
    async (path) => {
      const { seen, client } = recordingClient();
      await expect(client.connection('con_1').fetch(path)).rejects.toThrow(TypeError);
      expect(seen).toEqual([]);
    },
  );
});
