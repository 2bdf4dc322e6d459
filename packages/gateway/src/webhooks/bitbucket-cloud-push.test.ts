import { describe, expect, it } from 'vitest';
import { deliverSigned, fixtureBytes, onlyEvent } from '../test-support/webhook-fixtures.js';
import { parseJson } from './json.js';
import { bitbucketCloud } from './providers/bitbucket-cloud.js';
import { verifyDelivery } from './verify.js';

const uuid = 'a9a3c1d4-2f59-4d7e-8a51-0f3e6b7c9d21';
const deliver = (file: string, eventKey: string) =>
  deliverSigned(bitbucketCloud, `bitbucket-cloud/${file}`, { 'X-Event-Key': eventKey, 'X-Request-UUID': uuid });

const nikolas = {
  id: '557058:270a1f96-cd27-4013-ade6-85df2ab9820c',
  display_name: 'Nikolas Falco',
  username: 'Nikolas Falco',
  email: null,
  vendor_ids: {
    account_id: '557058:270a1f96-cd27-4013-ade6-85df2ab9820c',
    uuid: '{7d3a178a-a087-4756-b2da-2f9eadf50ba8}',
  },
  links: {
    web: 'https://bitbucket.org/%7B7d3a178a-a087-4756-b2da-2f9eadf50ba8%7D/',
    api: 'https://api.bitbucket.org/2.0/users/%7B7d3a178a-a087-4756-b2da-2f9eadf50ba8%7D',
  },
};

describe('Bitbucket Cloud push webhooks', () => {
  it('repo:push (the real signed capture) verifies with its real signature and becomes one push event', () => {
    const body = fixtureBytes('bitbucket-cloud/repo_push.signed.json');
    const headers = {
      'x-event-key': 'repo:push',
      'x-hub-signature': 'sha256=f205c729821c6954aff2afe72b965c34015b4baf96ea8ddc2cc44999c014a035',
    };
    const outcome = verifyDelivery(
      bitbucketCloud,
      { scheme: 'hub-signature', secrets: ['Gkvl$k$wyNpQAF42'] },
      body,
      headers,
    );
    expect(outcome.status).toBe('verified');
    const parsed = parseJson(body);
    if (!parsed.ok) throw new Error(parsed.message);
    const push = onlyEvent(bitbucketCloud.normalize(parsed.value, headers), 'push');
    expect(push.actor).toEqual(nikolas);
    expect(push.occurred_at).toBeNull();
    expect(push.vendor).toEqual({ event_key: 'repo:push', delivery_id: null });
    expect(push.subject.repository).toMatchObject({
      id: '{3deb8c29-778a-450c-8f69-3e50a18079df}',
      slug: 'test-repos',
      name: 'test-repos',
      full_name: 'nfalco79/test-repos',
      workspace: 'nfalco79',
      project: { key: 'PUB', name: 'public' },
      is_private: true,
      scm: 'git',
      links: {
        web: 'https://bitbucket.org/nfalco79/test-repos',
        api: 'https://api.bitbucket.org/2.0/repositories/nfalco79/test-repos',
      },
    });
    const [change] = push.subject.changes;
    expect(change).toMatchObject({
      ref: { name: 'feature/webhook', ref: 'refs/heads/feature/webhook', type: 'branch' },
      old_commit: null,
      new_commit: 'd7f300a32270053bdfd97a6d64113f58202c33e7',
      created: true,
      closed: false,
      forced: false,
      truncated: false,
      links: { web: 'https://bitbucket.org/nfalco79/test-repos/branch/feature/webhook' },
    });
    expect(change?.commits.map((c) => c.hash.slice(0, 8))).toEqual([
      'd7f300a3',
      '174561d6',
      'e43fdffe',
      'bf4f4ce8',
      '8d0fa145',
    ]);
    expect(change?.commits[0]).toEqual({
      hash: 'd7f300a32270053bdfd97a6d64113f58202c33e7',
      message: 'Test for webhook signature\n',
      date: '2025-05-16T07:36:56.000Z',
      author: { name: 'Nikolas Falco', email: 'nfalco79@hotmail.com', user: nikolas },
      parents: ['174561d625c9623b60d8aba09b7f08ddc9df45cd'],
      links: {
        web: 'https://bitbucket.org/nfalco79/test-repos/commits/d7f300a32270053bdfd97a6d64113f58202c33e7',
        api: 'https://api.bitbucket.org/2.0/repositories/nfalco79/test-repos/commit/d7f300a32270053bdfd97a6d64113f58202c33e7',
      },
    });
  });

  it('repo:push (2020, anonymised) → push of an existing branch', () => {
    const push = onlyEvent(deliver('repo_push.json', 'repo:push').events, 'push');
    expect(push.vendor).toEqual({ event_key: 'repo:push', delivery_id: uuid });
    expect(push.actor).toMatchObject({
      id: '5c8b65f1bc87d7534c0734dc',
      display_name: 'me van me display name',
      username: 'me-van-me-nickname',
    });
    expect(push.subject.repository).toMatchObject({
      id: '{6b5a1057-07ff-47c1-a65e-6c136cce4hj4}',
      full_name: 'some-repository/some-repo',
      slug: 'some-repo',
      name: 'test-one',
      workspace: 'some-repository',
      is_private: false,
    });
    expect(push.subject.changes).toHaveLength(1);
    expect(push.subject.changes[0]).toMatchObject({
      ref: { name: 'feature/do-not-merge', ref: 'refs/heads/feature/do-not-merge' },
      old_commit: 'hfjkhsdfahds7847384783fkf878374834834hhjh8',
      new_commit: '09c4367c5bdbef7d7a28ba4cc2638488c2088d6b',
      created: false,
      closed: false,
      forced: false,
      links: {
        web: 'https://bitbucket.org/some-repository/some-repo/branches/compare/09c4367c5bdbef7d7a28ba4cc2638488c2088d6b..hfjkhsdfahds7847384783fkf878374834834hhjh8',
      },
    });
    expect(push.subject.changes[0]?.commits).toMatchObject([
      {
        hash: '09c4367c5bdbef7d7a28ba4cc2638488c2088d6b',
        message: 'test\n',
        author: { name: 'me', email: 'me@somewheere.org', user: null },
      },
    ]);
  });
});
