import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixtureBytes, TEST_SECRET } from '../test-support/webhook-fixtures.js';
import { bitbucketCloud } from './providers/bitbucket-cloud.js';
import { bitbucketDc } from './providers/bitbucket-dc.js';
import { confluenceDc } from './providers/confluence-dc.js';
import { jiraCloud } from './providers/jira-cloud.js';
import { verifyDelivery } from './verify.js';
import { hubSignature } from './verify-hmac.js';
import { signHs256 } from './verify-jwt.js';

const hmac = { scheme: 'hub-signature', secrets: [TEST_SECRET] } as const;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('verifying a delivery', () => {
  it('deduplicates on the vendor delivery id, else on the hash of the body', () => {
    const body = fixtureBytes('bitbucket-cloud/pullrequest_created.json');
    const signature = hubSignature(body, TEST_SECRET);
    const cloud = verifyDelivery(bitbucketCloud, hmac, body, {
      'x-event-key': 'pullrequest:created',
      'x-request-uuid': 'b2d1c0a8-6a0e-4c43-9d8e-3f7a1f0c2d11',
      'x-hub-signature': signature,
    });
    expect(cloud).toMatchObject({
      status: 'verified',
      delivery: {
        eventKey: 'pullrequest:created',
        deliveryId: 'b2d1c0a8-6a0e-4c43-9d8e-3f7a1f0c2d11',
        dedupeKey: 'x-request-uuid:b2d1c0a8-6a0e-4c43-9d8e-3f7a1f0c2d11',
      },
    });
    const dc = verifyDelivery(bitbucketDc, hmac, body, { 'X-Request-Id': 'r-1', 'X-Hub-Signature': signature });
    expect(dc.delivery).toMatchObject({ deliveryId: 'r-1', dedupeKey: 'x-request-id:r-1' });
    const jira = verifyDelivery(jiraCloud, hmac, body, {
      'x-atlassian-webhook-identifier': '7a3f3c1e-5f7b-4c65-9cd2-1b8c2d9a4e55',
      'x-hub-signature': signature,
    });
    expect(jira.delivery.dedupeKey).toBe('x-atlassian-webhook-identifier:7a3f3c1e-5f7b-4c65-9cd2-1b8c2d9a4e55');
    const noId = verifyDelivery(confluenceDc, hmac, body, { 'x-hub-signature': signature });
    expect(noId.delivery).toMatchObject({ deliveryId: null, dedupeKey: `sha256:${sha256(body)}` });
  });

  it('answers Bitbucket DC diagnostics:ping without a signature and as no event', () => {
    const ping = Buffer.from('{"test": true}');
    const outcome = verifyDelivery(bitbucketDc, hmac, ping, {
      'x-event-key': 'diagnostics:ping',
      'x-request-id': 'p-1',
    });
    expect(outcome).toMatchObject({ status: 'ping', delivery: { eventKey: 'diagnostics:ping', ping: true } });
    expect(bitbucketDc.normalize({ test: true }, { 'x-event-key': 'diagnostics:ping' })).toEqual([]);
  });

  it('does not let other products skip verification by calling themselves a ping', () => {
    const body = Buffer.from('{}');
    for (const provider of [bitbucketCloud, jiraCloud, confluenceDc]) {
      const outcome = verifyDelivery(provider, hmac, body, { 'x-event-key': 'diagnostics:ping' });
      expect(outcome).toMatchObject({ status: 'rejected', reason: 'missing' });
    }
  });

  it('refuses a delivery with no signature, with a wrong one, or signed with a scheme the hook is not configured for', () => {
    const body = fixtureBytes('bitbucket-server/pr_opened.json');
    const headers = { 'x-event-key': 'pr:opened' };
    expect(verifyDelivery(bitbucketDc, hmac, body, headers)).toMatchObject({ status: 'rejected', reason: 'missing' });
    const wrong = { ...headers, 'x-hub-signature': hubSignature(body, 'not-the-secret') };
    expect(verifyDelivery(bitbucketDc, hmac, body, wrong)).toMatchObject({ status: 'rejected', reason: 'mismatch' });
    const jwtConfig = { scheme: 'atlassian-jwt', clientSecrets: [TEST_SECRET] } as const;
    expect(verifyDelivery(bitbucketDc, jwtConfig, body, headers)).toMatchObject({
      status: 'rejected',
      reason: 'scheme_not_supported',
    });
  });

  it('verifies a Jira 3LO dynamic webhook by its JWT, and does not fall back to an HMAC header', () => {
    const body = fixtureBytes('jira-cloud/jira_issue_created.json');
    const now = Math.floor(Date.now() / 1000);
    const config = { scheme: 'atlassian-jwt', clientSecrets: ['client-secret'] } as const;
    const token = signHs256({ iat: now, exp: now + 180 }, 'client-secret');
    expect(verifyDelivery(jiraCloud, config, body, { authorization: `Bearer ${token}` })).toMatchObject({
      status: 'verified',
      scheme: 'atlassian-jwt',
      secretIndex: 0,
    });
    const hmacOnly = { 'x-hub-signature': hubSignature(body, 'client-secret') };
    expect(verifyDelivery(jiraCloud, config, body, hmacOnly)).toMatchObject({ status: 'rejected', reason: 'missing' });
  });
});
