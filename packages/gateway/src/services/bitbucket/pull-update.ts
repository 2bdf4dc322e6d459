import type { PullRequest } from '@switchyard/sdk';
import { arr, at, num, str } from '../../webhooks/json.js';
import { headRef, prPath, type RepoRef, readPr, reviewerRef } from './pull-base.js';
import { setMyStatus } from './pulls.js';
import type { BitbucketTransport } from './transport.js';

/** Changing a pull request: title, description, destination, reviewers; and requesting changes. */

export interface UpdatePullRequest {
  title?: string | undefined;
  description?: string | undefined;
  destination_branch?: string | undefined;
  /** The whole new list (Cloud `{uuid}` or account id, Data Center user name); omitted: unchanged. */
  reviewers?: string[] | undefined;
  /** Data Center: the version the caller read (a stale one is CONFLICT); default the current one. */
  version?: number | undefined;
}

/** The reviewers a vendor pull request has now, named as its PUT takes them back. */
function currentReviewers(bb: BitbucketTransport, pr: unknown): Record<string, unknown>[] {
  return arr(at(pr, 'reviewers')).flatMap((r): Record<string, unknown>[] => {
    if (bb.flavor === 'dc') {
      const name = str(at(r, 'user', 'name'));
      return name === null ? [] : [{ user: { name } }];
    }
    const uuid = str(at(r, 'uuid'));
    const accountId = str(at(r, 'account_id'));
    if (uuid !== null) return [{ type: 'user', uuid }];
    return accountId === null ? [] : [{ type: 'user', account_id: accountId }];
  });
}

/**
 * Both deployments update with a PUT of the whole editable state: Cloud requires the title and may drop
 * reviewers left out, Data Center replaces title, description and reviewers and needs the current `version`.
 * So the pull request is read first and what the caller leaves out is sent back as it is. Cloud has no
 * version: the last writer wins; on Data Center a change between the read and the write is a 409 (CONFLICT).
 */
export async function updatePullRequest(
  bb: BitbucketTransport,
  r: RepoRef,
  id: number,
  body: UpdatePullRequest,
): Promise<PullRequest> {
  const current = await bb.send('GET', prPath(bb, r, id));
  const title = body.title ?? str(at(current, 'title')) ?? '';
  const description = body.description ?? str(at(current, 'description'));
  const reviewers =
    body.reviewers === undefined ? currentReviewers(bb, current) : body.reviewers.map((w) => reviewerRef(bb, w));
  const sent =
    bb.flavor === 'cloud'
      ? {
          type: 'pullrequest',
          title,
          ...(description === null ? {} : { description }),
          ...(body.destination_branch === undefined
            ? {}
            : { destination: { branch: { name: body.destination_branch } } }),
          reviewers,
        }
      : {
          version: body.version ?? num(at(current, 'version')) ?? 0,
          title,
          ...(description === null ? {} : { description }),
          ...(body.destination_branch === undefined ? {} : { toRef: dcToRef(current, body.destination_branch) }),
          reviewers,
        };
  return readPr(bb, await bb.send('PUT', prPath(bb, r, id), { body: sent }));
}

/** A new destination on Data Center: the ref, in the repository the pull request targets now. */
function dcToRef(current: unknown, branch: string) {
  const slug = str(at(current, 'toRef', 'repository', 'slug'));
  const key = str(at(current, 'toRef', 'repository', 'project', 'key'));
  return { id: headRef(branch), ...(slug === null || key === null ? {} : { repository: { slug, project: { key } } }) };
}

/** Cloud: `POST`/`DELETE …/request-changes`; Data Center: the user's participant status NEEDS_WORK / UNAPPROVED. */
export async function setChangesRequested(
  bb: BitbucketTransport,
  r: RepoRef,
  id: number,
  requested: boolean,
): Promise<void> {
  if (bb.flavor === 'cloud') {
    await bb.send(requested ? 'POST' : 'DELETE', `${prPath(bb, r, id)}/request-changes`);
    return;
  }
  await setMyStatus(bb, r, id, requested ? 'NEEDS_WORK' : 'UNAPPROVED');
}
