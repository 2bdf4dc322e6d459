import { describe, expect, it } from 'vitest';
import { deliverSigned, fixtureBytes, onlyEvent } from '../test-support/webhook-fixtures.js';
import { bitbucketCloud } from './providers/bitbucket-cloud.js';

const uuid = 'a9a3c1d4-2f59-4d7e-8a51-0f3e6b7c9d21';
const deliver = (file: string, eventKey: string) =>
  deliverSigned(bitbucketCloud, `bitbucket-cloud/${file}`, { 'X-Event-Key': eventKey, 'X-Request-UUID': uuid });

describe('Bitbucket Cloud pull request webhooks', () => {
  it('pullrequest:created → pull_request.opened', () => {
    const event = onlyEvent(deliver('pullrequest_created.json', 'pullrequest:created').events, 'pull_request.opened');
    expect(event.occurred_at).toBe('2024-11-09T13:02:56.285Z');
    expect(event.actor).toMatchObject({
      id: '557058:ca1cd232-2017-4216-94be-99637899e18d',
      display_name: 'Nikolas Falco',
    });
    expect(event.subject.repository).toMatchObject({
      full_name: 'amuniz/test-repos',
      project: { key: 'PRJKEY', name: 'My Project' },
    });
    expect(event.subject.pull_request).toMatchObject({
      id: 735,
      title: 'BUILD test',
      description: '',
      state: 'OPEN',
      draft: false,
      author: {
        id: '557058:ca1cd232-2017-4216-94be-99637899e18d',
        vendor_ids: { uuid: '{6b47f1dc-23a0-4b99-9964-d13e665f5d8e}' },
      },
      source: { branch: 'feature/test', commit: 'd31df3425c5b', repository: { full_name: 'amuniz/test-repos' } },
      destination: {
        branch: 'master',
        commit: '320cc39764dc',
        repository: { id: '{f991126e-6825-40ea-a1c2-e72c336ae41e}' },
      },
      reviewers: [],
      merge_commit: null,
      closed_by: null,
      comment_count: 0,
      task_count: 0,
      created_at: '2024-11-09T13:02:56.285Z',
      updated_at: '2024-11-09T13:02:57.098Z',
      links: {
        web: 'https://bitbucket.org/amuniz/test-repos/pull-requests/735',
        api: 'https://api.bitbucket.org/2.0/repositories/amuniz/test-repos/pullrequests/735',
      },
    });
  });

  it('pullrequest:updated → pull_request.updated, with the participant who approved', () => {
    const event = onlyEvent(deliver('pullrequest_updated.json', 'pullrequest:updated').events, 'pull_request.updated');
    expect(event.occurred_at).toBe('2026-07-30T01:35:49.207Z');
    const pr = event.subject.pull_request;
    expect(pr).toMatchObject({
      id: 1,
      title: 'Release/release 1',
      description: '* Add license\r\n\r\n* [CI] Release version 1.0.0',
      state: 'OPEN',
      author: { display_name: 'Former user', vendor_ids: { uuid: '{644c7fc2-b15a-4445-9f89-35390694fac9}' } },
      source: { branch: 'release/release-1', commit: 'f945c96c71d0' },
      destination: { branch: 'master', commit: '174561d625c9', repository: { full_name: 'nfalco79/test-repos' } },
      created_at: '2018-09-21T14:57:59.455Z',
      links: { web: 'https://bitbucket.org/nfalco79/test-repos/pull-requests/1' },
    });
    expect(pr.reviewers).toEqual([
      expect.objectContaining({
        role: 'PARTICIPANT',
        status: 'APPROVED',
        approved: true,
        user: expect.objectContaining({ display_name: 'Former user' }),
      }),
    ]);
  });

  it('pullrequest:approved → pull_request.approved at the approval time', () => {
    const event = onlyEvent(
      deliver('pullrequest_approved.json', 'pullrequest:approved').events,
      'pull_request.approved',
    );
    expect(event.occurred_at).toBe('2020-02-10T16:28:37.177Z');
    expect(event.actor).toMatchObject({ id: '3d5b55f1ac85d1235d0734ea', username: 'me-nickname' });
    expect(event.subject.pull_request).toMatchObject({
      id: 198,
      title: 'I have to push the pram a lot X.',
      state: 'OPEN',
      source: { branch: 'feature/do-not-merge', commit: '123db174babc' },
      destination: { branch: 'develop', commit: 'a421e461dabd' },
      reviewers: [
        { role: 'PARTICIPANT', status: 'APPROVED', approved: true, user: { id: '3d5b55f1ac85d1235d0734ea' } },
      ],
      links: { web: 'https://bitbucket.org/some-repo-namespace/some-repo/pullrequests/198' },
    });
  });

  it('pullrequest:fulfilled → pull_request.merged with the merge commit', () => {
    const event = onlyEvent(
      deliver('pullrequest_fulfilled.json', 'pullrequest:fulfilled').events,
      'pull_request.merged',
    );
    expect(event.occurred_at).toBe('2020-02-10T16:28:43.763Z');
    expect(event.subject.repository).toMatchObject({ full_name: 'some-repo-namespace/some-repo', is_private: false });
    expect(event.subject.pull_request).toMatchObject({
      id: 198,
      state: 'MERGED',
      merge_commit: '5d1d5087d409',
      closed_by: { id: '3d5b55f1ac85d1235d0734ea', display_name: 'me display name' },
      updated_at: '2020-02-10T16:28:43.763Z',
    });
  });

  it('pullrequest:comment_created → pull_request.comment_created with the comment', () => {
    const event = onlyEvent(
      deliver('pullrequest_comment_created.json', 'pullrequest:comment_created').events,
      'pull_request.comment_created',
    );
    expect(event.occurred_at).toBe('2020-04-08T15:19:20.456Z');
    expect(event.subject.pull_request).toMatchObject({
      id: 198,
      comment_count: 1,
      destination: { branch: 'destination-branch' },
    });
    expect(event.subject.comment).toEqual({
      id: '144318746',
      body: 'test general commen',
      body_format: 'markdown',
      author: expect.objectContaining({ id: 'aabbccddeeffaabbccddeeff', display_name: 'me display name' }),
      parent_id: null,
      inline: null,
      deleted: false,
      created_at: '2020-04-08T15:19:20.456Z',
      updated_at: '2020-04-08T15:19:20.459Z',
      vendor_ids: { id: '144318746' },
      links: {
        web: 'https://bitbucket.org/some-repo-namespace/some-repo/pull-requests/1/_/diff#comment-144318746',
        api: 'https://api.bitbucket.org/2.0/repositories/some-repo-namespace/some-repo/pullrequests/1/comments/144318746',
      },
    });
  });

  it('maps the declined, unapproved and changes-requested keys and ignores keys it does not know', () => {
    const body = JSON.parse(fixtureBytes('bitbucket-cloud/pullrequest_approved.json').toString('utf8')) as unknown;
    const typeFor = (key: string) => bitbucketCloud.normalize(body, { 'x-event-key': key }).map((e) => e.type);
    expect(typeFor('pullrequest:rejected')).toEqual(['pull_request.declined']);
    expect(typeFor('pullrequest:unapproved')).toEqual(['pull_request.unapproved']);
    expect(typeFor('pullrequest:changes_request_created')).toEqual(['pull_request.changes_requested']);
    expect(typeFor('repo:fork')).toEqual([]);
    expect(bitbucketCloud.normalize(body, {})).toEqual([]);
  });
});
