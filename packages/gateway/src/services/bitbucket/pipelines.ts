import type { Page, Pipeline, PipelineState, PipelineStep } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { at, compact, id, isoTime, num, str } from '../../webhooks/json.js';
import { cloudUser } from '../../webhooks/providers/bitbucket-cloud-shapes.js';
import { listPage } from './pages.js';
import { repoPath, seg } from './repos.js';
import type { BitbucketTransport } from './transport.js';

/**
 * Bitbucket Cloud Pipelines of a repository (`…/pipelines`, as in the 2.0 spec and FACTS.md §6.3: no trailing
 * slash). Data Center has no pipelines: every call on a DC connection is refused before any request.
 */

export interface RepoRef {
  workspace: string;
  repo: string;
}

/** The clear refusal for a Cloud-only feature on a Data Center connection. */
export function requireCloud(bb: BitbucketTransport, feature: string): void {
  if (bb.flavor === 'cloud') return;
  throw new AppError('VALIDATION', `Bitbucket Data Center has no ${feature}: this is a Bitbucket Cloud feature.`, {
    details: [{ path: 'connection_id', message: `a bitbucket-cloud connection is needed for ${feature}` }],
  });
}

/** Cloud's `state.name` refined by `stage.name` (IN_PROGRESS) or `result.name` (COMPLETED). */
export function pipelineState(state: unknown): PipelineState {
  const name = str(at(state, 'name'));
  if (name === 'PENDING' || name === 'READY') return 'PENDING';
  if (name === 'IN_PROGRESS') {
    const stage = str(at(state, 'stage', 'name'));
    return stage === 'PAUSED' || stage === 'HALTED' ? stage : 'IN_PROGRESS';
  }
  if (name === 'COMPLETED') {
    const result = str(at(state, 'result', 'name'));
    const known = ['SUCCESSFUL', 'FAILED', 'STOPPED', 'ERROR', 'EXPIRED', 'NOT_RUN'] as const;
    return known.find((k) => k === result) ?? 'UNKNOWN';
  }
  return 'UNKNOWN';
}

/** Cloud's `duration_in_seconds` where it sends one, else the span between two timestamps. */
function durationOf(value: unknown, from: string | null, to: string | null): number | null {
  const given = num(at(value, 'duration_in_seconds'));
  if (given !== null) return given;
  if (from === null || to === null) return null;
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
}

export function cloudPipeline(value: unknown): Pipeline | null {
  const uuid = id(at(value, 'uuid'));
  if (uuid === null) return null;
  const buildNumber = num(at(value, 'build_number'));
  const createdAt = isoTime(at(value, 'created_on'));
  const completedAt = isoTime(at(value, 'completed_on'));
  const target = at(value, 'target');
  const selectorType = str(at(target, 'selector', 'type'));
  const repoWeb = str(at(value, 'repository', 'links', 'html', 'href'));
  return {
    id: uuid,
    build_number: buildNumber,
    state: pipelineState(at(value, 'state')),
    trigger: str(at(value, 'trigger', 'name')),
    target: {
      ref_type: str(at(target, 'ref_type')),
      ref_name: str(at(target, 'ref_name')),
      commit: str(at(target, 'commit', 'hash')),
      selector: selectorType === null ? null : { type: selectorType, pattern: str(at(target, 'selector', 'pattern')) },
    },
    creator: cloudUser(at(value, 'creator')),
    created_at: createdAt,
    completed_at: completedAt,
    duration_seconds: durationOf(value, createdAt, completedAt),
    vendor_ids: compact({ uuid, build_number: buildNumber }),
    links: {
      // Cloud sends no web link for a run; its page is the repository's /pipelines/results/<build number>.
      web:
        repoWeb === null || buildNumber === null
          ? null
          : `${repoWeb.replace(/\/+$/, '')}/pipelines/results/${buildNumber}`,
      api: str(at(value, 'links', 'self', 'href')),
    },
  };
}

export function cloudStep(value: unknown): PipelineStep | null {
  const uuid = id(at(value, 'uuid'));
  if (uuid === null) return null;
  const startedAt = isoTime(at(value, 'started_on'));
  const completedAt = isoTime(at(value, 'completed_on'));
  return {
    id: uuid,
    name: str(at(value, 'name')),
    state: pipelineState(at(value, 'state')),
    started_at: startedAt,
    completed_at: completedAt,
    duration_seconds: durationOf(value, startedAt, completedAt),
    vendor_ids: compact({ uuid }),
    links: { web: null, api: str(at(value, 'links', 'self', 'href')) },
  };
}

/** A pipeline or step uuid as Cloud writes it, braces included (callers may leave them out). */
export const braced = (uuid: string) => (uuid.startsWith('{') ? uuid : `{${uuid}}`);

const pipelinesPath = (bb: BitbucketTransport, r: RepoRef) => `${repoPath(bb, r.workspace, r.repo)}/pipelines`;
export const pipelinePath = (bb: BitbucketTransport, r: RepoRef, uuid: string) =>
  `${pipelinesPath(bb, r)}/${seg(braced(uuid))}`;

function readPipeline(value: unknown): Pipeline {
  const p = cloudPipeline(value);
  if (p === null)
    throw new AppError('VENDOR_ERROR', 'Bitbucket answered a pipeline Switchyard cannot read.', { status: 502 });
  return p;
}

/** The states the list can filter on, as Cloud's `status` filter names them. */
export const PIPELINE_FILTERS = {
  PENDING: 'PENDING',
  IN_PROGRESS: 'BUILDING',
  PAUSED: 'PAUSED',
  HALTED: 'HALTED',
  SUCCESSFUL: 'PASSED',
  FAILED: 'FAILED',
  STOPPED: 'STOPPED',
  ERROR: 'ERROR',
} as const;
export type PipelineFilter = keyof typeof PIPELINE_FILTERS;

/** Newest first (`sort=-created_on`; Cloud's default order is oldest first). */
export function listPipelines(
  bb: BitbucketTransport,
  r: RepoRef,
  q: { limit: number; cursor?: string | undefined; status?: PipelineFilter | undefined },
): Promise<Page<Pipeline>> {
  requireCloud(bb, 'pipelines');
  const status = q.status === undefined ? undefined : PIPELINE_FILTERS[q.status];
  return listPage(bb, pipelinesPath(bb, r), { ...q, query: { sort: '-created_on', status } }, cloudPipeline);
}

export async function getPipeline(bb: BitbucketTransport, r: RepoRef, uuid: string): Promise<Pipeline> {
  requireCloud(bb, 'pipelines');
  return readPipeline(await bb.send('GET', pipelinePath(bb, r, uuid)));
}

export interface RunPipeline {
  branch: string;
  /** A custom pipeline of bitbucket-pipelines.yml (`pipelines.custom.<name>`); else the branch's own. */
  pipeline?: string | undefined;
  variables?: Array<{ key: string; value: string; secured?: boolean | undefined }> | undefined;
}

/** `POST …/pipelines` with a branch ref target (and a custom selector); `type` fields as the 2.0 spec requires. */
export async function runPipeline(bb: BitbucketTransport, r: RepoRef, body: RunPipeline): Promise<Pipeline> {
  requireCloud(bb, 'pipelines');
  const sent = {
    type: 'pipeline',
    target: {
      type: 'pipeline_ref_target',
      ref_type: 'branch',
      ref_name: body.branch,
      ...(body.pipeline === undefined ? {} : { selector: { type: 'custom', pattern: body.pipeline } }),
    },
    ...(body.variables === undefined
      ? {}
      : {
          variables: body.variables.map((v) => ({
            type: 'pipeline_variable',
            key: v.key,
            value: v.value,
            ...(v.secured === undefined ? {} : { secured: v.secured }),
          })),
        }),
  };
  return readPipeline(await bb.send('POST', pipelinesPath(bb, r), { body: sent }));
}

/** `POST …/stopPipeline`: Cloud answers 204, or 400 when the pipeline already completed. */
export async function stopPipeline(bb: BitbucketTransport, r: RepoRef, uuid: string): Promise<void> {
  requireCloud(bb, 'pipelines');
  await bb.send('POST', `${pipelinePath(bb, r, uuid)}/stopPipeline`);
}

export function listSteps(
  bb: BitbucketTransport,
  r: RepoRef,
  uuid: string,
  q: { limit: number; cursor?: string | undefined },
): Promise<Page<PipelineStep>> {
  requireCloud(bb, 'pipelines');
  return listPage(bb, `${pipelinePath(bb, r, uuid)}/steps`, q, cloudStep);
}
