import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Who an accepted credential signs in as. */
export interface FakeUser {
  id: string;
  name: string;
  email: string;
  /** Jira / Confluence DC user key, Bitbucket DC slug. */
  key: string;
}

export interface SeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

/**
 * A local HTTP peer on 127.0.0.1 that answers like the vendors' identity resources (Jira /myself, Confluence
 * /user/current, Bitbucket Cloud /2.0/user, Bitbucket DC X-AUSERNAME, Atlassian /_edge/tenant_info and the
 * /ex routes) for the credentials it was told to accept, and with the vendors' 401 bodies otherwise.
 */
export interface FakeUpstream {
  url: string;
  cloudId: string;
  requests: SeenRequest[];
  /** Accept `authorization` (the full header value) as `user`. */
  accept(authorization: string, user: FakeUser): void;
  revoke(authorization: string): void;
  /** Make 401 answers quote the credential they were sent, as a careless vendor might. */
  echoCredentials(on: boolean): void;
  /** Products an Atlassian site serves (default: Jira only). */
  setAtlassianProducts(products: Array<'jira' | 'confluence'>): void;
  close(): Promise<void>;
}

type Handler = (user: FakeUser, res: ServerResponse) => void;

const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

/** Cloud users have an accountId; Data Center users a key and a name. */
const jiraUser: Handler = (u, res) => send(res, 200, { accountId: u.id, displayName: u.name, emailAddress: u.email });
const jiraDcUser: Handler = (u, res) =>
  send(res, 200, { key: u.key, name: u.key, displayName: u.name, emailAddress: u.email });
const confluenceUser: Handler = (u, res) => send(res, 200, { type: 'known', accountId: u.id, displayName: u.name });
const confluenceDcUser: Handler = (u, res) =>
  send(res, 200, { type: 'known', userKey: u.key, username: u.key, displayName: u.name });

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const accepted = new Map<string, FakeUser>();
  const requests: SeenRequest[] = [];
  const cloudId = 'c0ffee00-1111-4222-8333-444455556666';
  let products: Array<'jira' | 'confluence'> = ['jira'];
  let echo = false;

  const routes: Array<[RegExp, Handler, string]> = [
    [/^(\/jira)?\/rest\/api\/2\/myself$/, jiraDcUser, 'jira-dc'],
    [/^\/rest\/api\/user\/current$/, confluenceDcUser, 'confluence-dc'],
    [
      /^\/2\.0\/user$/,
      (u, res) => send(res, 200, { uuid: `{${u.key}}`, account_id: u.id, display_name: u.name }),
      'bb',
    ],
    [
      /^\/rest\/api\/latest\/application-properties$/,
      (u, res) => send(res, 200, { version: '9.5.0', displayName: 'Bitbucket' }, { 'x-ausername': u.key }),
      'bb-dc',
    ],
    [
      /^\/rest\/api\/latest\/users\/([^/]+)$/,
      (u, res) => send(res, 200, { id: Number(u.id) || 7, slug: u.key, displayName: u.name, emailAddress: u.email }),
      'bb-dc',
    ],
    [new RegExp(`^(/ex/jira/${cloudId})?/rest/api/3/myself$`), jiraUser, 'jira'],
    [new RegExp(`^(/ex/confluence/${cloudId})?/wiki/rest/api/user/current$`), confluenceUser, 'confluence'],
  ];

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const authorization = req.headers.authorization;
    requests.push({ method: req.method ?? 'GET', path, authorization });
    if (path === '/_edge/tenant_info') return send(res, 200, { cloudId });
    const route = routes.find(([pattern]) => pattern.test(path));
    if (route === undefined) return send(res, 404, { errorMessages: ['Not found'] });
    const [, answer, product] = route;
    if ((product === 'jira' || product === 'confluence') && !products.includes(product)) {
      return send(res, 404, { message: 'No such product on this site' });
    }
    const user = authorization === undefined ? undefined : accepted.get(authorization);
    if (user === undefined) {
      if (echo) {
        const token = authorization?.replace(/^\w+ /, '') ?? '';
        const decoded = Buffer.from(token, 'base64').toString('utf8');
        return send(res, 401, { message: `Refused ${authorization} (token ${token}, credentials ${decoded})` });
      }
      return product === 'bb'
        ? send(res, 401, {
            type: 'error',
            error: { message: 'Token is invalid, expired, or not supported for this endpoint.' },
          })
        : send(res, 401, {
            errorMessages: ['You are not authenticated. Authentication required to perform this operation.'],
          });
    }
    answer(user, res);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cloudId,
    requests,
    accept: (authorization, user) => accepted.set(authorization, user),
    revoke: (authorization) => accepted.delete(authorization),
    echoCredentials: (on) => {
      echo = on;
    },
    setAtlassianProducts: (p) => {
      products = p;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
