import { bitbucketApi } from './bitbucket-client.js';
import { confluenceApi } from './confluence-client.js';
import { type ConnectionClient, connectionClient } from './connection-client.js';
import type {
  ApiKey,
  ConfluencePolling,
  ConnectBody,
  Connection,
  ConnectionTest,
  ConnectSession,
  ConnectStarted,
  CreateConnectionBody,
  CreateConnectSessionBody,
  CreatedApiKey,
  CreateKeyBody,
  CreateTenantBody,
  Health,
  ListConnectionsQuery,
  ListQuery,
  OAuthApp,
  Page,
  Provider,
  PutOAuthAppBody,
  Readiness,
  Tenant,
  UpdateConfluencePollingBody,
  UpdateConnectionBody,
  Whoami,
} from './contract.js';
import { paths } from './contract.js';
import { isErrorBody, SwitchyardError } from './errors.js';
import { deliveriesApi, eventsApi, hooksApi, subscriptionsApi } from './events-client.js';
import { jiraApi } from './jira-client.js';
import { webhooksApi } from './webhooks-client.js';

export interface ClientOptions {
  /** Base URL of the gateway, e.g. http://127.0.0.1:3001 */
  baseUrl: string;
  /** An API key (`syk_…`). */
  apiKey?: string;
  /** With an admin key: act for this tenant (sent as X-Tenant-Id). */
  tenantId?: string;
  /** A fetch implementation; defaults to the global one. */
  fetch?: typeof fetch;
}

type Query = Record<string, string | number | undefined>;

function fill(path: string, params: Record<string, string>): string {
  return path.replace(/:([a-z_]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

export class SwitchyardClient {
  readonly #baseUrl: string;
  readonly #apiKey: string | undefined;
  readonly #tenantId: string | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: ClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.#tenantId = options.tenantId;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  /** A client for the same gateway that acts for another tenant (admin keys only). */
  forTenant(tenantId: string): SwitchyardClient {
    const options: ClientOptions = { baseUrl: this.#baseUrl, tenantId, fetch: this.#fetch };
    if (this.#apiKey !== undefined) options.apiKey = this.#apiKey;
    return new SwitchyardClient(options);
  }

  async request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const url = new URL(this.#baseUrl + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#apiKey !== undefined) headers.authorization = `Bearer ${this.#apiKey}`;
    if (this.#tenantId !== undefined) headers['x-tenant-id'] = this.#tenantId;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      const init: RequestInit = { method, headers };
      if (body !== undefined) init.body = JSON.stringify(body);
      res = await this.#fetch(url, init);
    } catch (err) {
      throw new SwitchyardError(0, undefined, `cannot reach the gateway at ${this.#baseUrl}: ${String(err)}`);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      throw new SwitchyardError(res.status, isErrorBody(parsed) ? parsed : undefined, `HTTP ${res.status}`);
    }
    return parsed as T;
  }

  /** A raw streaming request with the client's credentials (the event stream uses it). */
  async open(path: string, query: Query, headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
    const url = new URL(this.#baseUrl + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const all: Record<string, string> = { ...headers };
    if (this.#apiKey !== undefined) all.authorization = `Bearer ${this.#apiKey}`;
    if (this.#tenantId !== undefined) all['x-tenant-id'] = this.#tenantId;
    const init: RequestInit = { method: 'GET', headers: all };
    if (signal !== undefined) init.signal = signal;
    try {
      return await this.#fetch(url, init);
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new SwitchyardError(0, undefined, `cannot reach the gateway at ${this.#baseUrl}: ${String(err)}`);
    }
  }

  /**
   * One request to the gateway with the client's credentials, answered as the fetch Response (no error
   * mapping). A streamed body (a ReadableStream) is sent as it comes.
   */
  async raw(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.#apiKey !== undefined) headers.set('authorization', `Bearer ${this.#apiKey}`);
    if (this.#tenantId !== undefined) headers.set('x-tenant-id', this.#tenantId);
    const streamed = typeof ReadableStream !== 'undefined' && init.body instanceof ReadableStream;
    const all = { ...init, headers, ...(streamed ? { duplex: 'half' } : {}) } as RequestInit;
    try {
      return await this.#fetch(this.#baseUrl + path, all);
    } catch (err) {
      if (init.signal?.aborted) throw err;
      throw new SwitchyardError(0, undefined, `cannot reach the gateway at ${this.#baseUrl}: ${String(err)}`);
    }
  }

  /** The vendor's API through a connection: `connection(id).fetch('/rest/api/3/myself')` (docs/proxy.md). */
  connection(connectionId: string): ConnectionClient {
    return connectionClient(this, connectionId);
  }

  health(): Promise<Health> {
    return this.request('GET', paths.healthz);
  }

  ready(): Promise<Readiness> {
    return this.request('GET', paths.readyz);
  }

  me(): Promise<Whoami> {
    return this.request('GET', paths.whoami);
  }

  readonly tenants = {
    list: (query: ListQuery = {}): Promise<Page<Tenant>> => this.request('GET', paths.tenants, undefined, { ...query }),
    get: (tenantId: string): Promise<Tenant> => this.request('GET', fill(paths.tenant, { tenant_id: tenantId })),
    create: (body: CreateTenantBody): Promise<Tenant> => this.request('POST', paths.tenants, body),
  };

  readonly keys = {
    list: (query: ListQuery = {}): Promise<Page<ApiKey>> => this.request('GET', paths.keys, undefined, { ...query }),
    create: (body: CreateKeyBody): Promise<CreatedApiKey> => this.request('POST', paths.keys, body),
    revoke: (keyId: string): Promise<ApiKey> => this.request('DELETE', fill(paths.key, { key_id: keyId })),
  };

  /** Start an OAuth connection: open `authorize_url` in the user's browser. */
  readonly connect = {
    start: (provider: string, body: ConnectBody = {}): Promise<ConnectStarted> =>
      this.request('POST', fill(paths.connect, { provider }), body),
  };

  /** Single-use URLs that let an end user's browser connect without the API key. */
  readonly connectSessions = {
    create: (body: CreateConnectSessionBody): Promise<ConnectSession> =>
      this.request('POST', paths.connectSessions, body),
  };

  /** The tenant's own OAuth clients (the client secret is write-only). */
  readonly oauthApps = {
    list: (): Promise<Page<OAuthApp>> => this.request('GET', paths.oauthApps),
    put: (provider: string, body: PutOAuthAppBody): Promise<OAuthApp> =>
      this.request('PUT', fill(paths.oauthApp, { provider }), body),
    delete: (provider: string): Promise<void> => this.request('DELETE', fill(paths.oauthApp, { provider })),
  };

  readonly providers = {
    /** Every provider with its auth methods, required fields and OAuth details. */
    list: (): Promise<{ items: Provider[] }> => this.request('GET', paths.providers),
  };

  /** Connections to Jira, Confluence and Bitbucket. Token connections are checked live before they are saved. */
  readonly connections = {
    list: (query: ListConnectionsQuery = {}): Promise<Page<Connection>> =>
      this.request('GET', paths.connections, undefined, { ...query }),
    get: (connectionId: string): Promise<Connection> =>
      this.request('GET', fill(paths.connection, { connection_id: connectionId })),
    create: (body: CreateConnectionBody): Promise<Connection> => this.request('POST', paths.connections, body),
    update: (connectionId: string, body: UpdateConnectionBody): Promise<Connection> =>
      this.request('PATCH', fill(paths.connection, { connection_id: connectionId }), body),
    /** Idempotent: deleting a connection that is already gone succeeds. */
    delete: async (connectionId: string): Promise<void> => {
      await this.request('DELETE', fill(paths.connection, { connection_id: connectionId }));
    },
    test: (connectionId: string): Promise<ConnectionTest> =>
      this.request('POST', fill(paths.connectionTest, { connection_id: connectionId })),
  };

  /** The normalized Jira API of a connection (docs/jira-api.md). */
  readonly jira = jiraApi(this);

  /** The normalized Bitbucket API of a connection (docs/bitbucket-api.md). */
  readonly bitbucket = bitbucketApi(this);

  /** The normalized Confluence API of a connection (docs/confluence-api.md). */
  readonly confluence = confluenceApi(this);

  /** Webhook ingest endpoints of a connection (docs/events.md). */
  readonly hooks = hooksApi(this);

  /** Webhooks registered at the vendor for a connection (docs/webhook-registration.md). */
  readonly webhooks = webhooksApi(this);

  /** Confluence Cloud page events by CQL polling of a connection (docs/confluence-polling.md). */
  readonly confluencePolling = {
    get: (connectionId: string): Promise<ConfluencePolling> =>
      this.request('GET', fill(paths.confluencePolling, { connection_id: connectionId })),
    /** `enabled: true` from off starts the watermark now: only later changes become events. */
    set: (connectionId: string, body: UpdateConfluencePollingBody): Promise<ConfluencePolling> =>
      this.request('POST', fill(paths.confluencePolling, { connection_id: connectionId }), body),
  };

  /** Endpoints that receive signed deliveries of events. */
  readonly subscriptions = subscriptionsApi(this);

  /** The event log: list, get, replay, and a resumable stream. */
  readonly events = eventsApi(this);

  /** The delivery log. */
  readonly deliveries = deliveriesApi(this);

  /** Iterate every item of a paginated list, page by page. */
  async *all<T>(list: (query: ListQuery) => Promise<Page<T>>, limit = 100): AsyncGenerator<T> {
    let cursor: string | undefined;
    do {
      const page = await list(cursor === undefined ? { limit } : { limit, cursor });
      yield* page.items;
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
  }
}
