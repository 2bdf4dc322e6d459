import type { InsightReport, InsightReportData } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { arr, at, compact, id, isoTime, str } from '../../webhooks/json.js';
import { cloudLinks } from '../../webhooks/providers/bitbucket-cloud-shapes.js';
import type { RepoRef } from './pulls.js';
import { repoPath, seg } from './repos.js';
import type { BitbucketTransport } from './transport.js';

/**
 * Code Insights reports on a commit, keyed by the caller's report key. Cloud: `…/commit/{hash}/reports/{key}`
 * (the key is the report's `external_id`); Data Center: `/rest/insights/latest/projects/{p}/repos/{r}/commits/
 * {hash}/reports/{key}`. Both deployments keep the same figures (`data`).
 */

export interface SetInsightReport {
  title: string;
  details?: string | undefined;
  result?: 'PASS' | 'FAIL' | 'PENDING' | undefined;
  reporter?: string | undefined;
  link?: string | undefined;
  logo_url?: string | undefined;
  report_type?: 'SECURITY' | 'COVERAGE' | 'TEST' | 'BUG' | undefined;
  data?: InsightReportData[] | undefined;
}

export interface InsightAnnotation {
  external_id: string;
  message: string;
  severity: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
  type: 'VULNERABILITY' | 'CODE_SMELL' | 'BUG';
  path?: string | undefined;
  line?: number | undefined;
  link?: string | undefined;
  details?: string | undefined;
}

const reportPath = (bb: BitbucketTransport, r: RepoRef, hash: string, key: string) =>
  `${repoPath(bb, r.workspace, r.repo)}/${bb.flavor === 'cloud' ? 'commit' : 'commits'}/${seg(hash)}/reports/${seg(key)}`;

const RESULTS: Record<string, InsightReport['result']> = { PASSED: 'PASS', PASS: 'PASS', FAILED: 'FAIL', FAIL: 'FAIL' };
const DATA_TYPES = new Set(['BOOLEAN', 'DATE', 'DURATION', 'LINK', 'NUMBER', 'PERCENTAGE', 'TEXT']);

function reportData(value: unknown): InsightReportData[] {
  return arr(value).flatMap((d) => {
    const title = str(at(d, 'title'));
    const type = str(at(d, 'type'));
    if (title === null || type === null || !DATA_TYPES.has(type)) return [];
    return [{ title, type: type as InsightReportData['type'], value: at(d, 'value') ?? null }];
  });
}

function toReport(bb: BitbucketTransport, value: unknown, key: string): InsightReport | null {
  if (str(at(value, 'title')) === null && str(at(value, 'key')) === null && str(at(value, 'uuid')) === null)
    return null;
  const cloud = bb.flavor === 'cloud';
  return {
    key: (cloud ? str(at(value, 'external_id')) : str(at(value, 'key'))) ?? key,
    title: str(at(value, 'title')),
    details: str(at(value, 'details')),
    result: RESULTS[str(at(value, 'result')) ?? ''] ?? 'PENDING',
    reporter: str(at(value, 'reporter')),
    link: str(at(value, 'link')),
    logo_url: str(at(value, cloud ? 'logo_url' : 'logoUrl')),
    report_type: cloud ? str(at(value, 'report_type')) : null,
    data: reportData(at(value, 'data')),
    created_at: isoTime(at(value, cloud ? 'created_on' : 'createdDate')),
    updated_at: cloud ? isoTime(at(value, 'updated_on')) : null,
    vendor_ids: cloud ? compact({ uuid: id(at(value, 'uuid')) }) : {},
    links: cloud ? cloudLinks(value) : { web: null, api: null },
  };
}

const given = <T extends Record<string, unknown>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

function readReport(bb: BitbucketTransport, value: unknown, key: string): InsightReport {
  const report = toReport(bb, value, key);
  if (report === null)
    throw new AppError('VENDOR_ERROR', 'Bitbucket answered a report Switchyard cannot read.', { status: 502 });
  return report;
}

/** Creates or replaces the report. Data Center has no PENDING result: the result is left out instead. */
export async function putInsightReport(
  bb: BitbucketTransport,
  r: RepoRef,
  hash: string,
  key: string,
  body: SetInsightReport,
): Promise<InsightReport> {
  const data = body.data ?? [];
  const common = { title: body.title, details: body.details, reporter: body.reporter, link: body.link };
  const sent =
    bb.flavor === 'cloud'
      ? given({
          type: 'report',
          external_id: key,
          ...common,
          logo_url: body.logo_url,
          report_type: body.report_type,
          result:
            body.result === undefined ? undefined : { PASS: 'PASSED', FAIL: 'FAILED', PENDING: 'PENDING' }[body.result],
          data,
        })
      : given({
          ...common,
          logoUrl: body.logo_url,
          result: body.result === 'PENDING' ? undefined : body.result,
          data,
        });
  const res = await bb.send('PUT', reportPath(bb, r, hash, key), { body: sent, root: 'insights' });
  return readReport(bb, res, key);
}

export async function getInsightReport(bb: BitbucketTransport, r: RepoRef, hash: string, key: string) {
  return readReport(bb, await bb.send('GET', reportPath(bb, r, hash, key), { root: 'insights' }), key);
}

export async function deleteInsightReport(bb: BitbucketTransport, r: RepoRef, hash: string, key: string) {
  await bb.send('DELETE', reportPath(bb, r, hash, key), { root: 'insights' });
}

/** Adds annotations (lines of files the report flags). Data Center knows no CRITICAL severity nor details. */
export async function addInsightAnnotations(
  bb: BitbucketTransport,
  r: RepoRef,
  hash: string,
  key: string,
  annotations: readonly InsightAnnotation[],
): Promise<void> {
  const path = `${reportPath(bb, r, hash, key)}/annotations`;
  if (bb.flavor === 'cloud') {
    const sent = annotations.map((a) =>
      given({
        type: 'report_annotation',
        external_id: a.external_id,
        annotation_type: a.type,
        summary: a.message,
        details: a.details,
        severity: a.severity,
        path: a.path,
        line: a.line,
        link: a.link,
      }),
    );
    await bb.send('POST', path, { body: sent });
    return;
  }
  const critical = annotations.findIndex((a) => a.severity === 'CRITICAL');
  if (critical >= 0) {
    throw new AppError('VALIDATION', 'Bitbucket Data Center has no CRITICAL severity (LOW, MEDIUM or HIGH).', {
      details: [{ path: `annotations.${critical}.severity`, message: 'LOW, MEDIUM or HIGH on Data Center' }],
    });
  }
  const sent = annotations.map((a) =>
    given({
      externalId: a.external_id,
      message: a.message,
      severity: a.severity,
      type: a.type,
      path: a.path,
      line: a.line,
      link: a.link,
    }),
  );
  await bb.send('POST', path, { body: { annotations: sent }, root: 'insights' });
}
