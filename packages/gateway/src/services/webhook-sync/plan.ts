import type { EventType, HookScheme, SyncWebhooksBody, WebhookSyncEntry } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import type { ConnectionRow, GrantRow } from '../../store/connection-store.js';
import { type KeyFamily, pickTypes, typesOf, vendorKeysFor } from './events.js';

/** What a sync does for one connection, decided from its provider, credential and the request alone. */
export interface SyncPlan {
  /** Whose event keys are registered; null when nothing goes through an ingest hook (Confluence Cloud alone). */
  family: KeyFamily | null;
  scheme: HookScheme;
  /** `api`: Switchyard registers each target; `manual`: the answer carries what to paste at the vendor. */
  mode: 'api' | 'manual';
  targets: string[];
  types: EventType[];
  vendorEvents: string[];
  jql?: string;
  /** Answer-only entries (Confluence Cloud page events come from polling). */
  notes: WebhookSyncEntry[];
  /** For `manual`: where to click, in words. */
  instructions?: string;
}

const PAGE_TYPES: EventType[] = ['page.created', 'page.updated'];
const KEY = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;

const validation = (message: string) => new AppError('VALIDATION', message);

function parsedProducts(row: ConnectionRow): string[] {
  try {
    const v: unknown = JSON.parse(row.products);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

function bitbucketTargets(provider: string, scope: NonNullable<SyncWebhooksBody['scope']>): string[] {
  const cloud = provider === 'bitbucket-cloud';
  const targets = (scope.repositories ?? []).map((r) => `repository:${r}`);
  if (cloud && scope.workspace !== undefined) targets.push(`workspace:${scope.workspace}`);
  if (cloud && scope.projects !== undefined) {
    throw validation('Bitbucket Cloud webhooks are per repository or workspace: use scope.repositories or workspace.');
  }
  if (!cloud && scope.workspace !== undefined) {
    throw validation('Bitbucket Data Center has projects, not workspaces: use scope.projects or scope.repositories.');
  }
  if (!cloud) targets.push(...(scope.projects ?? []).map((p) => `project:${p}`));
  if (targets.length === 0) {
    throw validation(
      cloud
        ? 'Say where to register: scope.repositories ("workspace/repo") and/or scope.workspace.'
        : 'Say where to register: scope.repositories ("PROJECT/repo") and/or scope.projects.',
    );
  }
  return [...new Set(targets)];
}

/** Jira's JQL for the webhook: the caller's, else `project IN (…)` from scope.projects. Jira requires one. */
function jqlOf(body: SyncWebhooksBody): string {
  if (body.jql !== undefined) return body.jql;
  const projects = body.scope?.projects ?? [];
  if (projects.length === 0) {
    throw validation(
      'Jira Cloud webhooks need a JQL filter: pass jql (only project, issuetype, status, assignee, reporter, issueKey, ' +
        'issue.property and =, !=, IN, NOT IN are allowed) or scope.projects.',
    );
  }
  const bad = projects.find((p) => !KEY.test(p));
  if (bad !== undefined) throw validation(`"${bad}" is not a Jira project key.`);
  return `project IN (${projects.join(', ')})`;
}

const JIRA_ADMIN_STEPS =
  'Jira API tokens cannot register webhooks for an app (dynamic webhooks need an OAuth 2.0 connection). As a Jira ' +
  'administrator, open Settings > System > WebHooks > Create a WebHook, paste this URL and secret, tick the events ' +
  'listed (Issue: created, updated, deleted; Comment: created) and, optionally, a JQL filter. Deliveries are signed ' +
  'with X-Hub-Signature. The secret is shown only in this answer.';

function atlassianCloudPlan(row: ConnectionRow, grant: GrantRow, body: SyncWebhooksBody): SyncPlan {
  const products = parsedProducts(row);
  const families: KeyFamily[] = products.includes('jira') ? ['jira-cloud'] : [];
  const pages = products.includes('confluence') ? PAGE_TYPES : [];
  const types = pickTypes(body.events, families, pages);
  const jiraTypes = types.filter((t) => typesOf('jira-cloud').includes(t));
  const site = row.cloud_id ?? row.site_url ?? row.id;
  const notes: WebhookSyncEntry[] = types.some((t) => PAGE_TYPES.includes(t))
    ? [
        {
          target: `confluence:${site}`,
          status: 'manual',
          upstream_id: null,
          events: types.filter((t) => PAGE_TYPES.includes(t)),
          vendor_events: [],
          expires_at: null,
          note:
            'Confluence Cloud has no webhook registration for OAuth 2.0 apps or API tokens: page.created and ' +
            'page.updated come from CQL polling of the connection (docs/confluence-polling.md).',
          error: null,
        },
      ]
    : [];
  const vendorEvents = vendorKeysFor('jira-cloud', jiraTypes);
  if (jiraTypes.length === 0) {
    return { family: null, scheme: 'hub-signature', mode: 'manual', targets: [], types, vendorEvents, notes };
  }
  if (grant.auth_type === 'oauth2') {
    if (row.cloud_id === null) throw new AppError('NOT_CONNECTED', 'This connection has no Atlassian cloud id.');
    const jql = jqlOf(body);
    const targets = [`jira:${row.cloud_id}`];
    return {
      family: 'jira-cloud',
      scheme: 'atlassian-jwt',
      mode: 'api',
      targets,
      types: jiraTypes,
      vendorEvents,
      jql,
      notes,
    };
  }
  const instructions = body.jql === undefined ? JIRA_ADMIN_STEPS : `${JIRA_ADMIN_STEPS} Suggested JQL: ${body.jql}`;
  return {
    family: 'jira-cloud',
    scheme: 'hub-signature',
    mode: 'manual',
    targets: [`jira:${site}`],
    types: jiraTypes,
    vendorEvents,
    notes,
    instructions,
  };
}

/** Decide targets, events and scheme, or refuse with VALIDATION before anything is created or called. */
export function planSync(row: ConnectionRow, grant: GrantRow, body: SyncWebhooksBody): SyncPlan {
  const scope = body.scope ?? {};
  switch (row.provider) {
    case 'bitbucket-cloud':
    case 'bitbucket-dc': {
      const family: KeyFamily = row.provider;
      const types = pickTypes(body.events, [family]);
      const vendorEvents = vendorKeysFor(family, types);
      const targets = bitbucketTargets(row.provider, scope);
      return { family, scheme: 'hub-signature', mode: 'api', targets, types, vendorEvents, notes: [] };
    }
    case 'confluence-dc': {
      const types = pickTypes(body.events, ['confluence-dc']);
      const vendorEvents = vendorKeysFor('confluence-dc', types);
      return {
        family: 'confluence-dc',
        scheme: 'hub-signature',
        mode: 'api',
        targets: ['confluence'],
        types,
        vendorEvents,
        notes: [],
      };
    }
    case 'atlassian-cloud':
      return atlassianCloudPlan(row, grant, body);
    default:
      throw validation(
        `Switchyard cannot receive ${row.provider} webhooks yet (there is no ingest for them), so it does not ` +
          'register any: see docs/webhook-registration.md.',
      );
  }
}
