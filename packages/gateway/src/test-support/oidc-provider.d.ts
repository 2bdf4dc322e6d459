/**
 * The part of oidc-provider (v9, ships no types) and its Koa context that the test OAuth server uses.
 * Test-only: nothing under src/ outside test-support imports oidc-provider.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type AdapterPayload = Record<string, unknown> & {
    grantId?: string;
    uid?: string;
    consumed?: number;
    jti?: string;
  };

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface KoaContext {
    method: string;
    path: string;
    url: string;
    status: number;
    body: unknown;
    respond?: boolean;
    req: IncomingMessage;
    res: ServerResponse;
    get(header: string): string;
    set(header: string, value: string): void;
    oidc?: { params?: Record<string, unknown> };
  }

  export type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

  export interface Interaction {
    uid: string;
    prompt: { name: string; details: Record<string, unknown> };
    params: Record<string, unknown>;
    session?: { accountId?: string };
    grantId?: string;
  }

  export interface GrantInstance {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }

  export interface AccessTokenInstance {
    accountId: string;
    clientId: string;
    grantId: string;
    scope?: string;
    isExpired: boolean;
  }

  export interface Configuration {
    adapter?: (model: string) => Adapter;
    clients?: Record<string, unknown>[];
    clientDefaults?: Record<string, unknown>;
    cookies?: { keys?: string[] };
    findAccount?: (
      ctx: KoaContext,
      sub: string,
    ) => Promise<{ accountId: string; claims(): Promise<Record<string, unknown>> }>;
    features?: Record<string, { enabled: boolean } & Record<string, unknown>>;
    jwks?: { keys: Record<string, unknown>[] };
    interactions?: { url(ctx: KoaContext, interaction: Interaction): Promise<string> };
    issueRefreshToken?: (ctx: KoaContext, client: { grantTypeAllowed(t: string): boolean }) => Promise<boolean>;
    pkce?: { required(ctx: KoaContext, client: unknown): boolean };
    renderError?: (ctx: KoaContext, out: Record<string, unknown>, error: Error) => Promise<void>;
    responseTypes?: string[];
    rotateRefreshToken?: boolean;
    routes?: Record<string, string>;
    scopes?: string[];
    ttl?: Record<string, number>;
    expiresWithSession?: (ctx: KoaContext, source: unknown) => Promise<boolean>;
  }

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(fn: Middleware): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    Grant: {
      new (init: { accountId: string; clientId: string }): GrantInstance;
      find(id: string): Promise<GrantInstance | undefined>;
    };
    AccessToken: { find(value: string): Promise<AccessTokenInstance | undefined> };
  }

  export default Provider;
}
