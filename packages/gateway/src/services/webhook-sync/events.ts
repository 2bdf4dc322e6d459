import type { EventType } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { bitbucketCloudEventKeys } from '../../webhooks/providers/bitbucket-cloud.js';
import { bitbucketDcEventKeys } from '../../webhooks/providers/bitbucket-dc.js';
import { confluenceDcEventKeys } from '../../webhooks/providers/confluence-dc.js';
import { jiraEventKeys } from '../../webhooks/providers/jira-cloud.js';

/** Which vendor's event keys a registration subscribes to. */
export type KeyFamily = 'bitbucket-cloud' | 'bitbucket-dc' | 'jira-cloud' | 'confluence-dc';

/**
 * The vendor keys registered per normalized type: the ingest mappers' tables (webhooks/providers/*), so a
 * registered webhook never sends a key we would drop. Two Bitbucket DC keys the mapper reads are left out of
 * registrations: `pr:to_ref_updated` is unconfirmed and `pr:reviewer:needs_work` is the pre-7.x name; Data Center
 * refuses a webhook with an event key it does not know (FACTS.md §4.2).
 */
const UNREGISTERED = new Set(['pr:to_ref_updated', 'pr:reviewer:needs_work']);

const TABLES: Record<KeyFamily, Readonly<Record<string, EventType>>> = {
  'bitbucket-cloud': bitbucketCloudEventKeys,
  'bitbucket-dc': bitbucketDcEventKeys,
  'jira-cloud': jiraEventKeys,
  'confluence-dc': confluenceDcEventKeys,
};

/** The normalized types a family can register, in the mapper's order. */
export function typesOf(family: KeyFamily): EventType[] {
  const types = Object.entries(TABLES[family])
    .filter(([key]) => !UNREGISTERED.has(key))
    .map(([, type]) => type);
  return [...new Set(types)];
}

/** The vendor keys that produce these normalized types (several keys may produce one type). */
export function vendorKeysFor(family: KeyFamily, types: readonly EventType[]): string[] {
  const wanted = new Set(types);
  return Object.entries(TABLES[family])
    .filter(([key, type]) => wanted.has(type) && !UNREGISTERED.has(key))
    .map(([key]) => key);
}

/** The normalized types vendor keys stand for (for answers: what a stored registration produces). */
export function typesFromKeys(family: KeyFamily, keys: readonly string[]): EventType[] {
  const table = TABLES[family];
  return [...new Set(keys.flatMap((k) => (Object.hasOwn(table, k) ? [table[k] as EventType] : [])))];
}

/**
 * The asked types a family produces; every one it can when none were asked. A type no family of the
 * connection produces is a VALIDATION error, so a typo is not silently dropped.
 */
export function pickTypes(
  asked: readonly EventType[] | undefined,
  families: readonly KeyFamily[],
  extra: readonly EventType[] = [],
): EventType[] {
  const available = new Set([...families.flatMap(typesOf), ...extra]);
  if (asked === undefined || asked.length === 0) return [...available];
  const unknown = asked.filter((t) => !available.has(t));
  if (unknown.length > 0) {
    throw new AppError(
      'VALIDATION',
      `This connection's webhooks do not produce ${unknown.join(', ')}; it can register ${[...available].join(', ')}.`,
    );
  }
  return [...new Set(asked)];
}
