import { type CreatedHook, SwitchyardClient } from '@switchyard/sdk';
import { hubSignature } from '../webhooks/verify-hmac.js';
import { seedConnection } from './event-fixtures.js';
import { type Kind, startTestApp, type TestApp } from './harness.js';
import { fixtureBytes, TEST_SECRET } from './webhook-fixtures.js';

/** A gateway listening on a real port, with one connection per provider that receives webhooks. */
export interface EventGateway {
  t: TestApp;
  url: string;
  client: SwitchyardClient;
  tenantId: string;
  connections: Record<'bitbucket-cloud' | 'bitbucket-dc' | 'atlassian-cloud' | 'confluence-dc', string>;
  /** The hook's URL on this listening gateway (the public URL in tests names port 0). */
  ingestUrl(hook: Pick<CreatedHook, 'url'>): string;
  close(): Promise<void>;
}

export async function startEventGateway(kind: Kind, env: Record<string, string> = {}): Promise<EventGateway> {
  const t = await startTestApp(kind, env);
  try {
    const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const tenantId = t.admin.tenant.id;
    const connections = {
      'bitbucket-cloud': await seedConnection(t.runtime, tenantId, 'bitbucket-cloud'),
      'bitbucket-dc': await seedConnection(t.runtime, tenantId, 'bitbucket-dc'),
      'atlassian-cloud': await seedConnection(t.runtime, tenantId, 'atlassian-cloud'),
      'confluence-dc': await seedConnection(t.runtime, tenantId, 'confluence-dc'),
    };
    const client = new SwitchyardClient({ baseUrl: url, apiKey: t.admin.adminKey.key });
    const ingestUrl = (hook: Pick<CreatedHook, 'url'>) => `${url}${new URL(hook.url).pathname}`;
    return { t, url, client, tenantId, connections, ingestUrl, close: () => t.close() };
  } catch (err) {
    await t.close();
    throw err;
  }
}

/** POST a body to a hook URL as the vendor would, signed with `secret` unless `sign` is false. */
export async function deliver(
  url: string,
  body: Buffer | string,
  headers: Record<string, string>,
  secret: string | false = TEST_SECRET,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const all: Record<string, string> = { 'content-type': 'application/json', ...headers };
  if (secret !== false) all['x-hub-signature'] = hubSignature(body, secret);
  const res = await fetch(url, { method: 'POST', headers: all, body });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** A captured payload (../shared/atlassian/webhooks), its vendor headers, and the event type it becomes. */
export interface Capture {
  file: string;
  connection: keyof EventGateway['connections'];
  headers: Record<string, string>;
  type: string;
}

const cloud = (file: string, key: string, type: string): Capture => ({
  file: `bitbucket-cloud/${file}`,
  connection: 'bitbucket-cloud',
  headers: { 'X-Event-Key': key, 'X-Request-UUID': `uuid-${file}` },
  type,
});
const dc = (file: string, key: string, type: string): Capture => ({
  file: `bitbucket-server/${file}`,
  connection: 'bitbucket-dc',
  headers: { 'X-Event-Key': key, 'X-Request-Id': `rid-${file}` },
  type,
});
const jira = (file: string, type: string): Capture => ({
  file: `jira-cloud/${file}`,
  connection: 'atlassian-cloud',
  headers: { 'X-Atlassian-Webhook-Identifier': `wh-${file}` },
  type,
});

/** Every captured payload but the one real signed capture (tested with its real signature). */
export const captures: Capture[] = [
  cloud('pullrequest_created.json', 'pullrequest:created', 'pull_request.opened'),
  cloud('pullrequest_updated.json', 'pullrequest:updated', 'pull_request.updated'),
  cloud('pullrequest_approved.json', 'pullrequest:approved', 'pull_request.approved'),
  cloud('pullrequest_fulfilled.json', 'pullrequest:fulfilled', 'pull_request.merged'),
  cloud('pullrequest_comment_created.json', 'pullrequest:comment_created', 'pull_request.comment_created'),
  cloud('repo_push.json', 'repo:push', 'push'),
  dc('pr_opened.json', 'pr:opened', 'pull_request.opened'),
  dc('pr_from_ref_updated.json', 'pr:from_ref_updated', 'pull_request.updated'),
  dc('pr_comment_added.json', 'pr:comment:added', 'pull_request.comment_created'),
  dc('repo_refs_changed.json', 'repo:refs_changed', 'push'),
  jira('jira_issue_created.json', 'issue.created'),
  jira('jira_issue_updated.json', 'issue.updated'),
  jira('jira_issue_updated.assigned-2024.json', 'issue.updated'),
  jira('comment_created.json', 'issue.comment_created'),
];

export const captureBytes = (c: Capture): Buffer => fixtureBytes(c.file);
