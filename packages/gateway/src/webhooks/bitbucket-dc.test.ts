import { describe, expect, it } from 'vitest';
import { deliverSigned, fixtureBytes, onlyEvent } from '../test-support/webhook-fixtures.js';
import { bitbucketDc } from './providers/bitbucket-dc.js';

const requestId = '5d6c1a2b-9e8f-4a7b-b6c5-d4e3f2a1b0c9';
const deliver = (file: string, eventKey: string) =>
  deliverSigned(bitbucketDc, `bitbucket-server/${file}`, { 'X-Event-Key': eventKey, 'X-Request-Id': requestId });

const admin = {
  id: '2',
  display_name: 'Administrator',
  username: 'admin',
  email: 'admin@example.com',
  vendor_ids: { id: 2, name: 'admin', slug: 'admin' },
  links: { web: 'http://localhost:7990/bitbucket/users/admin', api: null },
};

const testRepos = {
  id: '2',
  slug: 'test-repos',
  name: 'test-repos',
  full_name: 'AMUNIZ/test-repos',
  workspace: 'AMUNIZ',
  is_private: true,
  scm: 'git',
  links: { web: 'http://localhost:7990/bitbucket/projects/AMUNIZ/repos/test-repos/browse', api: null },
};

describe('Bitbucket Data Center webhooks', () => {
  it('pr:opened → pull_request.opened', () => {
    const { events, outcome } = deliver('pr_opened.json', 'pr:opened');
    expect(outcome.delivery.dedupeKey).toBe(`x-request-id:${requestId}`);
    const event = onlyEvent(events, 'pull_request.opened');
    expect(event.occurred_at).toBe('2026-08-19T17:27:55.000Z');
    expect(event.actor).toEqual(admin);
    expect(event.vendor).toEqual({ event_key: 'pr:opened', delivery_id: requestId });
    expect(event.subject.repository).toMatchObject({ ...testRepos, project: { key: 'AMUNIZ', name: 'AMUNIZ' } });
    expect(event.subject.pull_request).toMatchObject({
      id: 1,
      version: 0,
      title: 'Feature/diffstat',
      description: expect.stringMatching(/^\* Provide some change to work diffstats:\n {4}\* add a new\n/),
      state: 'OPEN',
      draft: false,
      author: admin,
      source: { branch: 'feature/diffstat', commit: '251fce291f086cdde68ae2a896148abb5b58033e', repository: testRepos },
      destination: { branch: 'master', commit: '174561d625c9623b60d8aba09b7f08ddc9df45cd' },
      reviewers: [],
      created_at: '2026-08-19T17:27:55.266Z',
      updated_at: '2026-08-19T17:27:55.266Z',
      links: { web: 'http://localhost:7990/bitbucket/projects/AMUNIZ/repos/test-repos/pull-requests/1', api: null },
    });
  });

  it('repo:refs_changed → push of a new branch with its commits', () => {
    const push = onlyEvent(deliver('repo_refs_changed.json', 'repo:refs_changed').events, 'push');
    expect(push.occurred_at).toBe('2026-06-05T13:54:44.000Z');
    expect(push.actor).toEqual(admin);
    expect(push.subject.repository).toMatchObject({ ...testRepos, project: { key: 'AMUNIZ', name: 'amuniz' } });
    const [change] = push.subject.changes;
    expect(change).toMatchObject({
      ref: { name: 'feature/BB-1', ref: 'refs/heads/feature/BB-1', type: 'branch' },
      old_commit: null,
      new_commit: 'fb522a6f08c7c7df337312e4e65ec1b57710672e',
      created: true,
      closed: false,
      forced: null,
    });
    expect(change?.commits.map((c) => c.hash)).toEqual([
      'fb522a6f08c7c7df337312e4e65ec1b57710672e',
      'ae995d7a37069d0988462a9c92828971e8a42b5d',
      'bf4f4ce8a3a8d5c7dbfe7d609973a81a6c6664cf',
      '8d0fa145bde5151f1d103ab1c3dc1033e6ec4ac1',
    ]);
    expect(change?.commits[0]).toEqual({
      hash: 'fb522a6f08c7c7df337312e4e65ec1b57710672e',
      message: 'Suppress echo command part',
      date: '2018-09-21T14:09:51.000Z',
      author: { name: 'Antonio Muniz', email: 'amuniz@example.com', user: null },
      parents: ['ae995d7a37069d0988462a9c92828971e8a42b5d'],
      links: {
        web: 'http://localhost:7990/bitbucket/projects/AMUNIZ/repos/test-repos/commits/fb522a6f08c7c7df337312e4e65ec1b57710672e',
        api: null,
      },
    });
    expect(change?.commits[3]).toMatchObject({ message: 'Initial commit', parents: [] });
  });

  it('pr:from_ref_updated → pull_request.updated (epoch-millisecond dates, +0200 event time)', () => {
    const event = onlyEvent(deliver('pr_from_ref_updated.json', 'pr:from_ref_updated').events, 'pull_request.updated');
    expect(event.occurred_at).toBe('2020-04-07T13:19:34.000Z');
    expect(event.actor).toMatchObject({
      id: '1',
      username: 'me-name',
      display_name: 'me display name',
      email: 'me@example.org',
    });
    expect(event.subject.repository).toMatchObject({
      full_name: 'ABC/some-repo',
      project: { key: 'ABC', name: 'some-repo' },
    });
    expect(event.subject.pull_request).toMatchObject({
      id: 1,
      version: 1,
      title: 'test',
      description: null,
      state: 'OPEN',
      author: { id: '1', display_name: 'display me name' },
      source: { branch: 'develop', commit: '522764f1602ae7d4abcd18197827cafdb3aef11' },
      destination: { branch: 'master', commit: '522764f1602ae7d4abcd18197827cafdb3aef11' },
      created_at: '2020-04-07T13:11:31.396Z',
      updated_at: '2020-04-07T13:19:34.452Z',
      links: { web: 'http://example.org/projects/ABC/repos/some-repo/pull-requests/61' },
    });
  });

  it('pr:comment:added → pull_request.comment_created with the comment and its link', () => {
    const event = onlyEvent(
      deliver('pr_comment_added.json', 'pr:comment:added').events,
      'pull_request.comment_created',
    );
    expect(event.occurred_at).toBe('2020-08-11T16:45:12.000Z');
    expect(event.actor).toMatchObject({ id: '34221', username: 'username', display_name: 'Username (username)' });
    expect(event.subject.repository).toMatchObject({
      full_name: '~username/test-repo',
      workspace: '~username',
      id: '38437',
    });
    expect(event.subject.pull_request).toMatchObject({
      id: 2,
      version: 133,
      title: 'Test pr2',
      description: '* Test change',
      source: { branch: 'test-pr2', commit: '035b93b54276127a81cbb397ff102d286d0322b1' },
      destination: { branch: 'master', commit: '035d4168c0023fbc92d4a0df02312cf59d30df2c' },
      created_at: '2020-07-17T10:12:16.288Z',
      updated_at: '2020-08-10T13:46:16.304Z',
    });
    expect(event.subject.comment).toEqual({
      id: '1684336',
      body: 'Comment content',
      body_format: 'markdown',
      author: expect.objectContaining({ id: '34221', email: 'username@company.com' }),
      parent_id: null,
      inline: null,
      deleted: false,
      created_at: '2020-08-11T16:45:12.488Z',
      updated_at: '2020-08-11T16:45:12.488Z',
      vendor_ids: { id: 1684336, version: 0 },
      links: {
        web: 'https://bitbucket.company.com/bitbucket/users/username/repos/test-repo/pull-requests/2/overview?commentId=1684336',
        api: null,
      },
    });
  });

  it('reads the event key from the body when the header is absent, and maps the other pull request keys', () => {
    const body = JSON.parse(fixtureBytes('bitbucket-server/pr_opened.json').toString('utf8')) as unknown;
    expect(bitbucketDc.normalize(body, {}).map((e) => e.type)).toEqual(['pull_request.opened']);
    const typeFor = (key: string) => bitbucketDc.normalize(body, { 'x-event-key': key }).map((e) => e.type);
    expect(typeFor('pr:merged')).toEqual(['pull_request.merged']);
    expect(typeFor('pr:declined')).toEqual(['pull_request.declined']);
    expect(typeFor('pr:reviewer:approved')).toEqual(['pull_request.approved']);
    expect(typeFor('pr:reviewer:unapproved')).toEqual(['pull_request.unapproved']);
    expect(typeFor('pr:reviewer:changes_requested')).toEqual(['pull_request.changes_requested']);
    expect(typeFor('pr:deleted')).toEqual([]);
  });
});
