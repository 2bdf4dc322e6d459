import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, seedBitbucketPair, startApiFixture } from '../test-support/api-fixture.js';

const cloudPr = (id: number, extra: Record<string, unknown> = {}) => ({
  id,
  title: `PR ${id}`,
  description: 'Old text',
  state: 'OPEN',
  source: { branch: { name: 'feature' }, commit: { hash: 'abc' } },
  destination: { branch: { name: 'main' }, commit: { hash: 'def' } },
  reviewers: [{ uuid: '{r1}', account_id: 'acc-r1', display_name: 'Rita' }],
  participants: [],
  ...extra,
});

const dcPr = (id: number, version: number, extra: Record<string, unknown> = {}) => ({
  id,
  version,
  title: `PR ${id}`,
  description: 'Old text',
  state: 'OPEN',
  fromRef: { id: 'refs/heads/feature', displayId: 'feature' },
  toRef: { id: 'refs/heads/main', displayId: 'main', repository: { slug: 'web', project: { key: 'PRJ' } } },
  reviewers: [{ user: { id: 9, name: 'bob', slug: 'bob' }, status: 'UNAPPROVED' }],
  participants: [],
  ...extra,
});

describe('/v1/connections/{id}/bitbucket/…/pull-requests/{n}/… (update, reviews, comments, diff, activity)', () => {
  let f: ApiFixture;
  let cloud: string;
  let dc: string;
  beforeAll(async () => {
    f = await startApiFixture((url) => ({ BITBUCKET_API_URL: url }));
    ({ cloud, dc } = await seedBitbucketPair(f));
  });
  afterAll(async () => {
    await f?.close();
  });

  describe('Bitbucket Cloud', () => {
    const pr = () => `/v1/connections/${cloud}/bitbucket/repositories/acme/web/pull-requests/2`;
    const api = '/2.0/repositories/acme/web/pullrequests/2';

    it('updates by reading first: the title and reviewers it was not given are sent back as they are', async () => {
      f.answer(cloudPr(2));
      f.answer(cloudPr(2, { description: 'New *text*', destination: { branch: { name: 'release' } } }));
      const res = await f.call('PATCH', pr(), { description: 'New *text*', destination_branch: 'release' });
      expect(res.status, res.text).toBe(200);
      expect(f.last(2)).toMatchObject({ method: 'GET', url: api });
      expect(f.last()).toMatchObject({ method: 'PUT', url: api });
      expect(f.last().json).toEqual({
        type: 'pullrequest',
        title: 'PR 2',
        description: 'New *text*',
        destination: { branch: { name: 'release' } },
        reviewers: [{ type: 'user', uuid: '{r1}' }],
      });
      expect(res.body).toMatchObject({ id: 2, description: 'New *text*', destination: { branch: 'release' } });

      f.answer(cloudPr(2));
      f.answer(cloudPr(2, { title: 'Renamed' }));
      await f.call('PATCH', pr(), { title: 'Renamed', reviewers: ['{u2}', '557058:abc'] });
      expect(f.last().json).toMatchObject({
        title: 'Renamed',
        reviewers: [
          { type: 'user', uuid: '{u2}' },
          { type: 'user', account_id: '557058:abc' },
        ],
      });
    });

    it('refuses an empty update before calling Bitbucket', async () => {
      const before = f.up.received.length;
      expect((await f.call('PATCH', pr(), {})).status).toBe(400);
      expect((await f.call('PATCH', pr(), { version: 3 })).status).toBe(400);
      expect(f.up.received.length).toBe(before);
    });

    it('sends reviewers on create', async () => {
      f.answer(cloudPr(3), 201);
      const res = await f.call('POST', `/v1/connections/${cloud}/bitbucket/repositories/acme/web/pull-requests`, {
        title: 'PR 3',
        source_branch: 'feature',
        destination_branch: 'main',
        reviewers: ['{r1}', 'acc-2'],
      });
      expect(res.status, res.text).toBe(201);
      expect(f.last().json.reviewers).toEqual([
        { type: 'user', uuid: '{r1}' },
        { type: 'user', account_id: 'acc-2' },
      ]);
    });

    it('requests changes and withdraws the request', async () => {
      f.answer({ approved: false, state: 'changes_requested' });
      expect((await f.call('POST', `${pr()}/request-changes`)).status).toBe(204);
      expect(f.last()).toMatchObject({ method: 'POST', url: `${api}/request-changes` });
      f.up.answerNext({ status: 204 });
      expect((await f.call('DELETE', `${pr()}/request-changes`)).status).toBe(204);
      expect(f.last()).toMatchObject({ method: 'DELETE', url: `${api}/request-changes` });
    });

    it('comments on a line of the new or old file, replies, edits and deletes', async () => {
      f.answer({ id: 21, content: { raw: 'Why?' }, inline: { path: 'src/a.ts', to: 12 } }, 201);
      const inline = await f.call('POST', `${pr()}/comments`, { body: 'Why?', inline: { path: 'src/a.ts', line: 12 } });
      expect(inline.status, inline.text).toBe(201);
      expect(f.last().json).toEqual({
        type: 'pullrequest_comment',
        content: { raw: 'Why?' },
        inline: { path: 'src/a.ts', to: 12 },
      });
      expect(inline.body).toMatchObject({ id: '21', inline: { path: 'src/a.ts', line: 12, side: 'new' } });

      f.answer({ id: 22, content: { raw: 'Gone' }, inline: { path: 'src/a.ts', from: 3 }, parent: { id: 21 } }, 201);
      const old = await f.call('POST', `${pr()}/comments`, {
        body: 'Gone',
        parent_id: '21',
        inline: { path: 'src/a.ts', line: 3, side: 'old' },
      });
      expect(f.last().json).toEqual({
        type: 'pullrequest_comment',
        content: { raw: 'Gone' },
        parent: { type: 'pullrequest_comment', id: 21 },
        inline: { path: 'src/a.ts', from: 3 },
      });
      expect(old.body).toMatchObject({ parent_id: '21', inline: { line: 3, side: 'old' } });

      f.answer({ id: 21, content: { raw: 'Why not?' } });
      const edited = await f.call('PUT', `${pr()}/comments/21`, { body: 'Why not?' });
      expect(f.last()).toMatchObject({ method: 'PUT', url: `${api}/comments/21` });
      expect(f.last().json).toEqual({ type: 'pullrequest_comment', content: { raw: 'Why not?' } });
      expect(edited.body).toMatchObject({ id: '21', body: 'Why not?' });

      f.up.answerNext({ status: 204 });
      expect((await f.call('DELETE', `${pr()}/comments/21`)).status).toBe(204);
      expect(f.last()).toMatchObject({ method: 'DELETE', url: `${api}/comments/21` });
    });

    it('streams the diff after following Bitbucket’s redirect on the same origin, with the credential', async () => {
      const spec = '/2.0/repositories/acme/web/diff/acme/web:abc%0Ddef?from_pullrequest_id=2';
      f.up.answerNext({ status: 302, headers: { location: `${f.up.url}${spec}` } });
      const patch = 'diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n';
      f.up.answerNext({ status: 200, headers: { 'content-type': 'text/plain' }, body: patch });
      const res = await f.call('GET', `${pr()}/diff`);
      expect(res.status, res.text).toBe(200);
      expect(res.type).toMatch(/^text\/plain/);
      expect(res.text).toBe(patch);
      expect(f.last(2)).toMatchObject({ method: 'GET', url: `${api}/diff` });
      expect(f.last().url).toBe(spec);
      expect(f.last().headers.authorization).toMatch(/^Basic /);
      expect(f.last().headers.accept).toBe('text/plain');
    });

    it('does not follow a diff redirect to another host', async () => {
      f.up.answerNext({ status: 302, headers: { location: 'https://evil.example/steal' } });
      const before = f.up.received.length;
      const res = await f.call('GET', `${pr()}/diff`);
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ code: 'VENDOR_ERROR' });
      expect(f.up.received.length).toBe(before + 1);
    });

    it('pages the diffstat: first through the redirect, then by the `next` link', async () => {
      const spec = '/2.0/repositories/acme/web/diffstat/acme/web:abc%0Ddef';
      f.up.answerNext({ status: 302, headers: { location: `${spec}?from_pullrequest_id=2&pagelen=2` } });
      f.answer({
        values: [
          { status: 'modified', old: { path: 'a.ts' }, new: { path: 'a.ts' }, lines_added: 3, lines_removed: 1 },
          { status: 'renamed', old: { path: 'b.ts' }, new: { path: 'c.ts' }, lines_added: 0, lines_removed: 0 },
        ],
        next: `${f.up.url}${spec}?page=2`,
      });
      const first = await f.call('GET', `${pr()}/diffstat?limit=2`);
      expect(first.status, first.text).toBe(200);
      expect(f.last(2).parsed.pathname).toBe(`${api}/diffstat`);
      expect(f.last(2).parsed.searchParams.get('pagelen')).toBe('2');
      expect(first.body?.items).toEqual([
        { path: 'a.ts', old_path: 'a.ts', status: 'MODIFIED', lines_added: 3, lines_removed: 1 },
        { path: 'c.ts', old_path: 'b.ts', status: 'RENAMED', lines_added: 0, lines_removed: 0 },
      ]);
      f.answer({ values: [{ status: 'added', new: { path: 'd.ts' }, lines_added: 9, lines_removed: 0 }] });
      const second = await f.call('GET', `${pr()}/diffstat?cursor=${first.body?.next_cursor}`);
      expect(f.last().url).toBe(`${spec}?page=2`);
      expect(second.body).toEqual({
        items: [{ path: 'd.ts', old_path: null, status: 'ADDED', lines_added: 9, lines_removed: 0 }],
        next_cursor: null,
      });
    });

    it('normalizes the activity', async () => {
      f.answer({
        values: [
          {
            comment: { id: 5, content: { raw: 'hi' }, user: { account_id: 'a1' }, created_on: '2026-01-02T00:00:00Z' },
          },
          { approval: { date: '2026-01-03T00:00:00Z', user: { account_id: 'a2' } } },
          { changes_requested: { date: '2026-01-04T00:00:00Z', user: { account_id: 'a3' } } },
          { update: { state: 'OPEN', date: '2026-01-01T00:00:00Z', author: { account_id: 'a1' } }, pull_request: {} },
          { pull_request: {} },
        ],
      });
      const res = await f.call('GET', `${pr()}/activity?limit=5`);
      expect(f.last().parsed.pathname).toBe(`${api}/activity`);
      expect(res.body?.items).toMatchObject([
        { kind: 'comment', action: 'comment', actor: { id: 'a1' }, comment: { id: '5', body: 'hi' } },
        { kind: 'approval', actor: { id: 'a2' }, at: '2026-01-03T00:00:00.000Z', comment: null },
        { kind: 'changes_requested', actor: { id: 'a3' } },
        { kind: 'update', state: 'OPEN', actor: { id: 'a1' }, at: '2026-01-01T00:00:00.000Z' },
      ]);
      expect(res.body?.items).toHaveLength(4);
    });
  });

  describe('Bitbucket Data Center', () => {
    const pr = () => `/v1/connections/${dc}/bitbucket/repositories/PRJ/web/pull-requests/5`;
    const api = '/bbdc/rest/api/latest/projects/PRJ/repos/web/pull-requests/5';

    it('updates with the current version, keeping the reviewers and description it was not given', async () => {
      f.answer(dcPr(5, 7));
      f.answer(dcPr(5, 8, { title: 'Renamed', toRef: { id: 'refs/heads/release', displayId: 'release' } }));
      const res = await f.call('PATCH', pr(), { title: 'Renamed', destination_branch: 'release' });
      expect(res.status, res.text).toBe(200);
      expect(f.last()).toMatchObject({ method: 'PUT', url: api });
      expect(f.last().json).toEqual({
        version: 7,
        title: 'Renamed',
        description: 'Old text',
        toRef: { id: 'refs/heads/release', repository: { slug: 'web', project: { key: 'PRJ' } } },
        reviewers: [{ user: { name: 'bob' } }],
      });
      expect(res.body).toMatchObject({ title: 'Renamed', version: 8, destination: { branch: 'release' } });
    });

    it('answers CONFLICT for a stale version', async () => {
      f.answer(dcPr(5, 9));
      f.answer(
        { errors: [{ message: 'You are attempting to modify a pull request based on out-of-date information.' }] },
        409,
      );
      const res = await f.call('PATCH', pr(), { reviewers: ['carol'], version: 4 });
      expect(f.last().json).toMatchObject({ version: 4, reviewers: [{ user: { name: 'carol' } }] });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'CONFLICT' });
      expect(res.body?.message).toContain('out-of-date');
    });

    it('sends reviewers on create', async () => {
      f.answer(dcPr(6, 0), 201);
      await f.call('POST', `/v1/connections/${dc}/bitbucket/repositories/PRJ/web/pull-requests`, {
        title: 'PR 6',
        source_branch: 'feature',
        destination_branch: 'main',
        reviewers: ['bob'],
      });
      expect(f.last().json.reviewers).toEqual([{ user: { name: 'bob' } }]);
    });

    it('requests changes as the participant status NEEDS_WORK, withdraws as UNAPPROVED', async () => {
      for (const [method, status] of [
        ['POST', 'NEEDS_WORK'],
        ['DELETE', 'UNAPPROVED'],
      ] as const) {
        f.answer({}, 200, { 'x-ausername': 'alice' });
        f.answer({ id: 5, name: 'alice', slug: 'alice' });
        f.answer({ status });
        expect((await f.call(method, `${pr()}/request-changes`)).status).toBe(204);
        expect(f.last()).toMatchObject({ method: 'PUT', url: `${api}/participants/alice` });
        expect(f.last().json).toEqual({ status });
      }
    });

    it('anchors a line comment on the segment type read from the file’s diff', async () => {
      const fileDiff = {
        diffs: [
          {
            hunks: [
              {
                segments: [
                  { type: 'CONTEXT', lines: [{ source: 10, destination: 10 }] },
                  { type: 'REMOVED', lines: [{ source: 11, destination: 11 }] },
                  { type: 'ADDED', lines: [{ source: 12, destination: 11 }] },
                ],
              },
            ],
          },
        ],
      };
      const created = (anchor: Record<string, unknown>) => ({ id: 31, version: 0, text: 'Hm', anchor });
      f.answer(fileDiff);
      f.answer(created({ path: 'src/a b.ts', line: 11, lineType: 'ADDED', fileType: 'TO' }), 201);
      const res = await f.call('POST', `${pr()}/comments`, { body: 'Hm', inline: { path: 'src/a b.ts', line: 11 } });
      expect(res.status, res.text).toBe(201);
      expect(f.last(2)).toMatchObject({ method: 'GET', url: `${api}/diff/src/a%20b.ts` });
      expect(f.last().json).toEqual({
        text: 'Hm',
        anchor: { path: 'src/a b.ts', line: 11, lineType: 'ADDED', fileType: 'TO', diffType: 'EFFECTIVE' },
      });
      expect(res.body).toMatchObject({ id: '31', inline: { path: 'src/a b.ts', line: 11, side: 'new' } });

      f.answer(fileDiff);
      f.answer(created({ path: 'src/a b.ts', line: 11, lineType: 'REMOVED', fileType: 'FROM' }), 201);
      await f.call('POST', `${pr()}/comments`, { body: 'Hm', inline: { path: 'src/a b.ts', line: 11, side: 'old' } });
      expect(f.last().json.anchor).toMatchObject({ line: 11, lineType: 'REMOVED', fileType: 'FROM' });

      f.answer(fileDiff);
      f.answer(created({ path: 'src/a b.ts', line: 40, lineType: 'CONTEXT', fileType: 'TO' }), 201);
      await f.call('POST', `${pr()}/comments`, { body: 'Hm', inline: { path: 'src/a b.ts', line: 40 } });
      expect(f.last().json.anchor).toMatchObject({ line: 40, lineType: 'CONTEXT', fileType: 'TO' });
    });

    it('refuses an inline path that would leave the pull request’s diff URL', async () => {
      const before = f.up.received.length;
      const res = await f.call('POST', `${pr()}/comments`, { body: 'x', inline: { path: 'a/../../../x', line: 1 } });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION' });
      expect(f.up.received.length).toBe(before);
    });

    it('replies with the parent id', async () => {
      f.answer({ id: 32, version: 0, text: 'Yes' }, 201);
      const res = await f.call('POST', `${pr()}/comments`, { body: 'Yes', parent_id: '31' });
      expect(f.last().json).toEqual({ text: 'Yes', parent: { id: 31 } });
      expect(res.body).toMatchObject({ id: '32', parent_id: '31', inline: null });
    });

    it('edits and deletes a comment with its current version', async () => {
      f.answer({ id: 31, version: 4, text: 'Hm' });
      f.answer({ id: 31, version: 5, text: 'Hmm' });
      const edited = await f.call('PUT', `${pr()}/comments/31`, { body: 'Hmm' });
      expect(f.last(2)).toMatchObject({ method: 'GET', url: `${api}/comments/31` });
      expect(f.last()).toMatchObject({ method: 'PUT', url: `${api}/comments/31` });
      expect(f.last().json).toEqual({ text: 'Hmm', version: 4 });
      expect(edited.body).toMatchObject({ id: '31', body: 'Hmm' });

      f.answer({ id: 31, version: 5, text: 'Hmm' });
      f.up.answerNext({ status: 204 });
      expect((await f.call('DELETE', `${pr()}/comments/31`)).status).toBe(204);
      expect(f.last()).toMatchObject({ method: 'DELETE', url: `${api}/comments/31?version=5` });
    });

    it('streams the raw diff of `….diff`', async () => {
      const patch = 'diff --git a/x b/x\n@@ -1 +1 @@\n-a\n+b\n';
      f.up.answerNext({ status: 200, headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: patch });
      const res = await f.call('GET', `${pr()}/diff`);
      expect(res.status, res.text).toBe(200);
      expect(f.last().url).toBe(`${api}.diff`);
      expect(f.last().headers.accept).toBe('text/plain');
      expect(res.text).toBe(patch);
      expect(res.type).toBe('text/plain;charset=UTF-8');
    });

    it('answers the diffstat from `/changes`, without line counts', async () => {
      f.answer({
        values: [
          { type: 'MODIFY', path: { toString: 'src/a.ts', components: ['src', 'a.ts'] } },
          { type: 'MOVE', path: { components: ['src', 'c.ts'] }, srcPath: { toString: 'src/b.ts' } },
          { type: 'ADD', path: { toString: 'd.ts' } },
          { type: 'DELETE', path: { toString: 'e.ts' } },
        ],
        isLastPage: false,
        nextPageStart: 4,
      });
      const res = await f.call('GET', `${pr()}/diffstat?limit=4`);
      expect(f.last().parsed.pathname).toBe(`${api}/changes`);
      expect(f.last().parsed.searchParams.get('limit')).toBe('4');
      expect(res.body?.items).toEqual([
        { path: 'src/a.ts', old_path: 'src/a.ts', status: 'MODIFIED', lines_added: null, lines_removed: null },
        { path: 'src/c.ts', old_path: 'src/b.ts', status: 'RENAMED', lines_added: null, lines_removed: null },
        { path: 'd.ts', old_path: null, status: 'ADDED', lines_added: null, lines_removed: null },
        { path: 'e.ts', old_path: 'e.ts', status: 'REMOVED', lines_added: null, lines_removed: null },
      ]);
      expect(res.body?.next_cursor).toEqual(expect.any(String));
    });

    it('normalizes the activities', async () => {
      f.answer({
        values: [
          { id: 1, action: 'REVIEWED', createdDate: 1767323045000, user: { id: 5, name: 'alice' } },
          {
            id: 2,
            action: 'COMMENTED',
            commentAction: 'ADDED',
            user: { id: 5, name: 'alice' },
            comment: { id: 11, text: 'nice', anchor: { path: 'x.ts', line: 2, fileType: 'FROM' } },
          },
          { id: 3, action: 'RESCOPED', user: { id: 6, name: 'bob' } },
          { id: 4, action: 'OPENED', user: { id: 6, name: 'bob' } },
        ],
        isLastPage: true,
      });
      const res = await f.call('GET', `${pr()}/activity`);
      expect(f.last().parsed.pathname).toBe(`${api}/activities`);
      expect(res.body).toMatchObject({
        items: [
          { kind: 'changes_requested', action: 'REVIEWED', actor: { username: 'alice' }, vendor_ids: { id: 1 } },
          { kind: 'comment', comment: { id: '11', inline: { path: 'x.ts', line: 2, side: 'old' } } },
          { kind: 'update', action: 'RESCOPED' },
          { kind: 'opened' },
        ],
        next_cursor: null,
      });
      expect(res.body?.items).toMatchObject([{ at: '2026-01-02T03:04:05.000Z' }, {}, {}, {}]);
    });
  });

  it('is reachable through the SDK: update, inline comment, diff', async () => {
    const sdk = f.sdk;
    const r = { workspace: 'acme', repo: 'web' };
    f.answer(cloudPr(4));
    f.answer(cloudPr(4, { title: 'SDK' }));
    expect(await sdk.bitbucket.updatePullRequest(cloud, r, 4, { title: 'SDK' })).toMatchObject({ title: 'SDK' });
    f.answer({ id: 41, content: { raw: 'x' }, inline: { path: 'a', to: 1 } }, 201);
    const c = await sdk.bitbucket.addComment(cloud, r, 4, { body: 'x', inline: { path: 'a', line: 1 } });
    expect(c.inline).toEqual({ path: 'a', line: 1, side: 'new' });
    f.up.answerNext({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'diff --git a/a b/a\n' });
    expect(await sdk.bitbucket.diff(cloud, r, 4)).toBe('diff --git a/a b/a\n');
    f.answer({ type: 'error', error: { message: 'Pull request not found' } }, 404);
    await expect(sdk.bitbucket.diff(cloud, r, 99)).rejects.toMatchObject({ status: 404, code: 'VENDOR_ERROR' });
  });
});
