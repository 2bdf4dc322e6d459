import type {
  ApiKey,
  CreatedApiKey,
  CreateKeyBody,
  CreateTenantBody,
  Health,
  ListQuery,
  Page,
  Readiness,
  Tenant,
  Whoami,
} from './contract.js';
import { paths } from './contract.js';
import { isErrorBody, SwitchyardError } from './errors.js';

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
