import type { VendorTransportDeps } from '../vendor-json.js';
import type { KeyFamily } from './events.js';

/** What one registration at the vendor sends: our ingest URL, its secret (null: JWT-signed) and event keys. */
export interface RegistrationRequest {
  url: string;
  secret: string | null;
  vendorEvents: string[];
  /** Jira Cloud's JQL filter. */
  jql?: string;
}

export interface RegistrationOutcome {
  upstreamId: string;
  /** `updated`: a webhook with our URL was already there (found upstream by URL, never duplicated). */
  status: 'registered' | 'updated';
  expiresAt: string | null;
}

/** One vendor's webhook API for one connection. Targets are the strings stored in webhook_registrations. */
export interface Registrar {
  family: KeyFamily;
  register(target: string, req: RegistrationRequest): Promise<RegistrationOutcome>;
  /** Remove a webhook; one already gone (404) counts as removed. */
  unregister(target: string, upstreamId: string): Promise<void>;
}

export type RegistrarDeps = VendorTransportDeps;

/** How Switchyard names what it registers, so an admin recognises it in the vendor's settings. */
export const WEBHOOK_NAME = 'Switchyard';

/** Pages read while looking for our URL among a target's webhooks; more than this and we register anew. */
export const MAX_LIST_PAGES = 20;

export const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The vendor's id as text (Bitbucket Cloud `{uuid}`, numeric ids elsewhere), or undefined. */
export function idText(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}
