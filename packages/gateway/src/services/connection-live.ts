import { X509Certificate } from 'node:crypto';
import type { Config } from '../config/load.js';
import type { Keyring } from '../crypto/keyring.js';
import { AppError } from '../errors/app-error.js';
import type { Resolver } from '../http/host-guard.js';
import type { UpstreamDispatchers } from '../http/safe-dispatcher.js';
import type { Product } from '../providers/types.js';
import type { Store } from '../store/store.js';
import { type Account, CredentialRejectedError, type LookupTarget, lookupAccount } from './account-lookup.js';
import { type ConnectionPlace, lookupTargetOf } from './connection-target.js';

/** What the connection services need from a runtime (a Runtime satisfies it). */
export interface ConnectionDeps {
  store: Store;
  keyring: Keyring;
  config: Config;
  upstream: UpstreamDispatchers;
  /** DNS for the connect-time host check; the system resolver unless a test injects one. */
  resolve?: Resolver;
}

export interface LiveAccount {
  account: Account;
  products: Product[];
}

/** Check a caller's PEM bundle: one or more certificates, each parseable. Answers the certificates alone. */
export function checkCaPem(pem: string): string {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    throw new AppError('VALIDATION', 'ca_pem holds no PEM certificate (-----BEGIN CERTIFICATE----- …).');
  }
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw new AppError('VALIDATION', 'ca_pem holds a certificate that cannot be parsed. Send the CA in PEM form.');
    }
  }
  return `${blocks.join('\n')}\n`;
}

function lookup(deps: ConnectionDeps, target: LookupTarget, authorization: string, caPem: string | null) {
  return lookupAccount(target, authorization, { dispatcher: deps.upstream.forUrl(target.apiUrl, caPem) });
}

const transient = (err: unknown) =>
  err instanceof AppError && (err.code === 'UPSTREAM_UNAVAILABLE' || err.code === 'RATE_LIMITED');

/** Which Atlassian failure to report when neither product answered: Jira's, unless Jira was simply not there. */
function worse(jira: unknown, confluence: unknown): unknown {
  return jira instanceof CredentialRejectedError ? jira : confluence;
}

/**
 * Ask the vendor who the credential signs in as, before anything is stored. An Atlassian site may have Jira,
 * Confluence or both, and a scoped token may reach only one of them: both are asked, and the products that
 * answered are the connection's.
 */
export async function checkLive(
  deps: ConnectionDeps,
  place: ConnectionPlace,
  authorization: string,
  caPem: string | null,
  products: Product[],
): Promise<LiveAccount> {
  const endpoints = deps.config;
  if (place.provider !== 'atlassian-cloud') {
    const account = await lookup(deps, lookupTargetOf(endpoints, place, products), authorization, caPem);
    return { account, products };
  }
  const [jira, confluence] = await Promise.allSettled(
    (['jira', 'confluence'] as const).map((p) =>
      lookup(deps, lookupTargetOf(endpoints, place, [p]), authorization, caPem),
    ),
  );
  // A product that could not be asked is not a product the site lacks: fail now rather than store too few.
  for (const r of [jira, confluence]) if (r?.status === 'rejected' && transient(r.reason)) throw r.reason;
  const answered: Product[] = [];
  if (jira?.status === 'fulfilled') answered.push('jira');
  if (confluence?.status === 'fulfilled') answered.push('confluence');
  const first =
    jira?.status === 'fulfilled' ? jira.value : confluence?.status === 'fulfilled' ? confluence.value : null;
  if (first === null) {
    throw worse(
      jira?.status === 'rejected' ? jira.reason : undefined,
      confluence?.status === 'rejected' ? confluence.reason : undefined,
    );
  }
  return { account: first, products: answered };
}
