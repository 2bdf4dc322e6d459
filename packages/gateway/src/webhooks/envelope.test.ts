import type { SwitchyardEvent } from '@switchyard/sdk';
import { describe, expect, it } from 'vitest';
import { deliverSigned } from '../test-support/webhook-fixtures.js';
import { connectionEventDraft, toEnvelope } from './envelope.js';
import { bitbucketCloud } from './providers/bitbucket-cloud.js';

const ctx = {
  id: 'evt_01',
  connectionId: 'con_01',
  provider: 'bitbucket-cloud',
  receivedAt: '2026-01-02T03:04:05.000Z',
} as const;

describe('event envelopes', () => {
  it('completes a draft, using the receipt time when the payload has none, and attaches raw only on request', () => {
    const { events } = deliverSigned(bitbucketCloud, 'bitbucket-cloud/repo_push.json', { 'x-event-key': 'repo:push' });
    const [draft] = events;
    if (draft === undefined) throw new Error('no event');
    const event: SwitchyardEvent = toEnvelope(draft, ctx);
    expect(event).toMatchObject({
      id: 'evt_01',
      type: 'push',
      occurred_at: '2026-01-02T03:04:05.000Z',
      received_at: '2026-01-02T03:04:05.000Z',
      connection_id: 'con_01',
      provider: 'bitbucket-cloud',
      vendor: { event_key: 'repo:push', delivery_id: null },
    });
    expect('raw' in event).toBe(false);
    expect(toEnvelope(draft, { ...ctx, raw: { any: 'payload' } }).raw).toEqual({ any: 'payload' });
    if (event.type === 'push') expect(event.subject.repository.full_name).toBe('some-repository/some-repo');
  });

  it('builds the gateway own connection events', () => {
    const draft = connectionEventDraft(
      'connection.reauth_required',
      'con_01',
      'the refresh token was revoked',
      ctx.receivedAt,
    );
    expect(toEnvelope(draft, ctx)).toEqual({
      id: 'evt_01',
      type: 'connection.reauth_required',
      occurred_at: ctx.receivedAt,
      received_at: ctx.receivedAt,
      connection_id: 'con_01',
      provider: 'bitbucket-cloud',
      actor: null,
      vendor: { event_key: 'connection.reauth_required', delivery_id: null },
      subject: { kind: 'connection', connection_id: 'con_01', reason: 'the refresh token was revoked' },
    });
  });
});
