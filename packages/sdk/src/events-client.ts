import type { Page } from './contract.js';
import { paths } from './contract.js';
import { SwitchyardError } from './errors.js';
import type { SwitchyardEvent } from './events.js';
import type {
  CreatedHook,
  CreatedSubscription,
  CreateHookBody,
  CreateSubscriptionBody,
  Delivery,
  Hook,
  ListDeliveriesQuery,
  ListEventsQuery,
  ReplayEventBody,
  ReplayResult,
  RotateHookBody,
  Subscription,
  SubscriptionTestResult,
  UpdateSubscriptionBody,
} from './events-contract.js';
import { type SseMessage, sseMessages } from './sse.js';

type Query = Record<string, string | number | undefined>;

/** What the method groups below need of the client. */
export interface Requester {
  request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T>;
  open(path: string, query: Query, headers: Record<string, string>, signal?: AbortSignal): Promise<Response>;
}

const fill = (path: string, params: Record<string, string>): string =>
  path.replace(/:([a-z_]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));

/** Ingest endpoints of a connection. */
export const hooksApi = (c: Requester) => ({
  list: (connectionId: string): Promise<{ items: Hook[] }> =>
    c.request('GET', fill(paths.hooks, { connection_id: connectionId })),
  /** The answer carries the secret once: configure it (and `url`) at the vendor. */
  create: (connectionId: string, body: CreateHookBody = {}): Promise<CreatedHook> =>
    c.request('POST', fill(paths.hooks, { connection_id: connectionId }), body),
  /** A new secret; the previous one stays accepted until finishRotation or 7 days. */
  rotate: (connectionId: string, hookId: string, body: RotateHookBody = {}): Promise<CreatedHook> =>
    c.request('POST', fill(paths.hookRotate, { connection_id: connectionId, hook_id: hookId }), body),
  finishRotation: (connectionId: string, hookId: string): Promise<Hook> =>
    c.request('POST', fill(paths.hookFinishRotation, { connection_id: connectionId, hook_id: hookId })),
  delete: async (connectionId: string, hookId: string): Promise<void> => {
    await c.request('DELETE', fill(paths.hook, { connection_id: connectionId, hook_id: hookId }));
  },
});

/** Endpoints that receive signed deliveries of events. */
export const subscriptionsApi = (c: Requester) => ({
  list: (query: { limit?: number; cursor?: string } = {}): Promise<Page<Subscription>> =>
    c.request('GET', paths.subscriptions, undefined, { ...query }),
  get: (id: string): Promise<Subscription> => c.request('GET', fill(paths.subscription, { subscription_id: id })),
  /** The answer carries the signing secret (`whsec_…`) once. */
  create: (body: CreateSubscriptionBody): Promise<CreatedSubscription> => c.request('POST', paths.subscriptions, body),
  update: (id: string, body: UpdateSubscriptionBody): Promise<Subscription> =>
    c.request('PATCH', fill(paths.subscription, { subscription_id: id }), body),
  delete: async (id: string): Promise<void> => {
    await c.request('DELETE', fill(paths.subscription, { subscription_id: id }));
  },
  /** Deliver a signed `ping` now and report what the endpoint answered. */
  test: (id: string): Promise<SubscriptionTestResult> =>
    c.request('POST', fill(paths.subscriptionTest, { subscription_id: id })),
});

export const deliveriesApi = (c: Requester) => ({
  list: (query: ListDeliveriesQuery = {}): Promise<Page<Delivery>> =>
    c.request('GET', paths.deliveries, undefined, { ...query }),
  /** With `attempt_log`. */
  get: (id: string): Promise<Delivery> => c.request('GET', fill(paths.delivery, { delivery_id: id })),
});

export interface StreamOptions {
  /** Resume after this event id (sent as Last-Event-ID). */
  lastEventId?: string;
  types?: string[];
  connectionId?: string;
  signal?: AbortSignal;
}

/** The event log: list, get, replay and a live stream. */
export const eventsApi = (c: Requester) => ({
  list: (query: ListEventsQuery = {}): Promise<Page<SwitchyardEvent>> =>
    c.request('GET', paths.events, undefined, { ...query }),
  get: (id: string, options: { raw?: boolean } = {}): Promise<SwitchyardEvent> =>
    c.request('GET', fill(paths.event, { event_id: id }), undefined, options.raw ? { include: 'raw' } : {}),
  /** New deliveries of a stored event (to one subscription, or to every matching one). */
  replay: (id: string, body: ReplayEventBody = {}): Promise<ReplayResult> =>
    c.request('POST', fill(paths.eventReplay, { event_id: id }), body),
  /** Server-sent events, resumable: pass the last id you handled as `lastEventId`. Ends when aborted. */
  async *stream(options: StreamOptions = {}): AsyncGenerator<SwitchyardEvent> {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    const query: Query = { types: options.types?.join(','), connection_id: options.connectionId };
    const res = await c.open(paths.eventStream, query, headers, options.signal);
    if (!res.ok || res.body === null) throw new SwitchyardError(res.status, undefined, `HTTP ${res.status}`);
    for await (const message of sseMessages(res.body)) {
      const event = toEvent(message);
      if (event !== undefined) yield event;
    }
  },
});

function toEvent(message: SseMessage): SwitchyardEvent | undefined {
  if (message.event !== 'event' || message.data === '') return undefined;
  return JSON.parse(message.data) as SwitchyardEvent;
}
