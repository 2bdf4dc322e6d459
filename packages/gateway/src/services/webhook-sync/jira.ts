import { AppError } from '../../errors/app-error.js';
import type { JiraTransport } from '../jira/transport.js';
import { isGone } from './bitbucket.js';
import { idText, list, MAX_LIST_PAGES, obj, type Registrar, type RegistrationOutcome } from './types.js';

/** Jira deletes dynamic webhooks 30 days after they are registered or last refreshed (FACTS.md §4.3). */
export const JIRA_WEBHOOK_LIFETIME_MS = 30 * 86_400_000;

interface Listed {
  id: string;
  events: string[];
  jql: string;
}

/**
 * Jira's expiry: epoch milliseconds per the spec (int64), an ISO string with a `+0000` offset in its examples.
 * Both are read; anything else counts as "30 days from now", the documented lifetime.
 */
export function expiryOf(value: unknown, nowMs: number): string {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value).toISOString();
  if (typeof value === 'string') {
    const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    if (Number.isFinite(ms)) return new Date(ms).toISOString();
  }
  return new Date(nowMs + JIRA_WEBHOOK_LIFETIME_MS).toISOString();
}

/** The calling app's dynamic webhooks delivering to `url` (GET /webhook lists only this OAuth app's). */
async function findByUrl(jira: JiraTransport, url: string): Promise<Listed[]> {
  const found: Listed[] = [];
  let startAt = 0;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const body = obj(await jira.send('GET', '/webhook', { query: { startAt, maxResults: 100 } }));
    const values = list(body.values);
    for (const v of values.map(obj)) {
      const id = idText(v.id);
      if (v.url !== url || id === undefined) continue;
      found.push({ id, events: list(v.events).map(String), jql: String(v.jqlFilter ?? '') });
    }
    if (body.isLast !== false || values.length === 0) break;
    startAt += values.length;
  }
  return found;
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/** Jira's ids are int64 numbers in its request bodies. */
const numericIds = (ids: readonly string[]) => ids.map(Number).filter(Number.isSafeInteger);

/** Extend the life of dynamic webhooks; answers their new expiry. Unknown ids are ignored by Jira. */
export async function refreshJiraWebhooks(jira: JiraTransport, ids: readonly string[], nowMs: number) {
  const body = obj(await jira.send('PUT', '/webhook/refresh', { body: { webhookIds: numericIds(ids) } }));
  return expiryOf(body.expirationDate, nowMs);
}

/**
 * Jira Cloud dynamic webhooks of an OAuth 2.0 (3LO) app: one webhook per site with the JQL filter Jira requires.
 * They cannot be edited: a sync that finds ours with the same events and JQL refreshes it (`updated`, same id);
 * one with other settings is replaced: the new one registered first, then the old deleted (`updated`, new id). Deliveries carry a JWT signed
 * with the OAuth app's client secret, so no secret is sent.
 */
export function jiraRegistrar(jira: JiraTransport, clock: () => number = Date.now): Registrar {
  return {
    family: 'jira-cloud',
    async register(_target, req): Promise<RegistrationOutcome> {
      const jql = req.jql;
      if (jql === undefined) throw new AppError('VALIDATION', 'Jira Cloud webhooks need a JQL filter.');
      const mine = await findByUrl(jira, req.url);
      const same = mine.length === 1 && mine[0] !== undefined ? mine[0] : undefined;
      if (same !== undefined && sameSet(same.events, req.vendorEvents) && same.jql === jql) {
        const expiresAt = await refreshJiraWebhooks(jira, [same.id], clock());
        return { upstreamId: same.id, status: 'updated', expiresAt };
      }
      const answer = obj(
        await jira.send('POST', '/webhook', {
          body: { url: req.url, webhooks: [{ events: req.vendorEvents, jqlFilter: jql }] },
        }),
      );
      const result = obj(list(answer.webhookRegistrationResult)[0]);
      const id = idText(result.createdWebhookId);
      if (id === undefined) {
        const errors = list(result.errors).map(String).join('; ');
        throw new AppError('VENDOR_ERROR', `Jira refused the webhook${errors === '' ? '' : `: ${errors}`}`, {
          status: 400,
        });
      }
      // The replaced webhooks go only once the new one exists: a refused JQL must not leave the site without any.
      if (mine.length > 0) {
        await jira.send('DELETE', '/webhook', { body: { webhookIds: numericIds(mine.map((m) => m.id)) } });
      }
      const expiresAt = new Date(clock() + JIRA_WEBHOOK_LIFETIME_MS).toISOString();
      return { upstreamId: id, status: mine.length > 0 ? 'updated' : 'registered', expiresAt };
    },
    async unregister(_target, upstreamId) {
      await jira.send('DELETE', '/webhook', { body: { webhookIds: numericIds([upstreamId]) } }).catch((err) => {
        if (!isGone(err)) throw err;
      });
    },
  };
}
