import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Config } from '../config/load.js';
import { AppError } from '../errors/app-error.js';

/**
 * Where user-supplied upstream URLs (Data Center base URLs, Atlassian site URLs) may point. The gateway runs
 * next to things an attacker would love to reach through it: its own loopback services, the cloud metadata
 * endpoint, the private network. Every address a host resolves to is checked, at connect time here and again
 * when each socket opens (safe-dispatcher.ts), so a DNS answer that changes in between cannot slip through.
 */
export interface HostPolicy {
  /** Hosts that may be reached over plain http. */
  allowHttpHosts: readonly string[];
  /** Private ranges (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) are allowed. */
  allowPrivateHosts: boolean;
  /** Hosts, IP addresses or CIDR ranges allowed whatever they resolve to. */
  allowedHosts: readonly string[];
}

export const hostPolicy = (config: Config): HostPolicy => ({
  allowHttpHosts: config.allowHttpHosts,
  allowPrivateHosts: config.allowPrivateHosts,
  allowedHosts: config.allowedHosts,
});

export type AddressClass = 'public' | 'private' | 'loopback' | 'link-local/metadata' | 'special';

const METADATA_ADDRESSES = ['169.254.169.254', '169.254.170.2', 'fd00:ec2::254', '100.100.100.200'];
const METADATA_HOSTS = ['metadata.google.internal', 'metadata.goog', 'metadata'];

const RANGE_CLASS: Record<string, AddressClass> = {
  unicast: 'public',
  private: 'private',
  carrierGradeNat: 'private',
  uniqueLocal: 'private',
  loopback: 'loopback',
  linkLocal: 'link-local/metadata',
};

type Ip = ipaddr.IPv4 | ipaddr.IPv6;

/** Unwrap IPv4 carried inside IPv6 (::ffff:a.b.c.d, and NAT64 64:ff9b::a.b.c.d) so it is judged as IPv4. */
function unwrap(ip: Ip): Ip {
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
    if (v6.range() === 'rfc6052' && v6.parts[0] === 0x64 && v6.parts[1] === 0xff9b && v6.parts[2] === 0) {
      const [, , , , , , hi = 0, lo = 0] = v6.parts;
      return new ipaddr.IPv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
    }
  }
  return ip;
}

/** What kind of address this is. Anything not plainly public, private, loopback or link-local is 'special'. */
export function classifyAddress(address: string): { kind: AddressClass; range: string; ip: string } {
  const ip = unwrap(ipaddr.parse(address.replace(/^\[|\]$/g, '').replace(/%.*$/, '')));
  const text = ip.toString();
  const range = ip.range();
  if (METADATA_ADDRESSES.includes(text)) return { kind: 'link-local/metadata', range, ip: text };
  return { kind: RANGE_CLASS[range] ?? 'special', range, ip: text };
}

function matchesEntry(entry: string, hostname: string, ip: string | undefined): boolean {
  const e = entry.toLowerCase().replace(/^\[|\]$/g, '');
  if (e === hostname) return true;
  if (ip === undefined) return false;
  try {
    if (e.includes('/')) {
      const range = ipaddr.parseCIDR(e);
      const addr = unwrap(ipaddr.parse(ip));
      return addr.kind() === range[0].kind() && addr.match(range);
    }
    return ipaddr.isValid(e) && unwrap(ipaddr.parse(e)).toString() === unwrap(ipaddr.parse(ip)).toString();
  } catch {
    return false;
  }
}

const normalHost = (h: string) =>
  h
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');

/** Whether `hostname` (or the address it resolved to) is on SWITCHYARD_ALLOWED_HOSTS. */
export function isAllowlisted(policy: HostPolicy, hostname: string, ip?: string): boolean {
  const host = normalHost(hostname);
  return policy.allowedHosts.some((entry) => matchesEntry(entry, host, ip));
}

const HINT_ALLOW = 'If this is intended, allowlist the host with SWITCHYARD_ALLOWED_HOSTS.';

/** Throw a VALIDATION error naming the field when `hostname` resolving to `address` may not be reached. */
export function checkAddress(policy: HostPolicy, hostname: string, address: string, field = 'base_url'): void {
  if (isAllowlisted(policy, hostname, address)) return;
  const { kind, range, ip } = classifyAddress(address);
  const what = hostname === ip ? `${field} host ${ip} is` : `${field} resolves to ${ip},`;
  if (kind === 'public') return;
  if (kind === 'private') {
    if (policy.allowPrivateHosts) return;
    throw new AppError(
      'VALIDATION',
      `${what} a private address; refused. Data Center usually lives on a private network: set SWITCHYARD_ALLOW_PRIVATE_HOSTS=true, or allowlist the host with SWITCHYARD_ALLOWED_HOSTS.`,
    );
  }
  const label = kind === 'special' ? `special-purpose (${range})` : kind;
  throw new AppError('VALIDATION', `${what} a ${label} address; refused. ${HINT_ALLOW}`);
}

/**
 * Check the form of a user-supplied URL: http(s) only, https unless the host is on SWITCHYARD_ALLOW_HTTP_HOSTS,
 * no credentials, query or fragment, no cloud metadata host name. Answers it normalised (no trailing slash).
 */
export function checkUrlForm(policy: HostPolicy, raw: string, field = 'base_url'): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('VALIDATION', `${field} is not a URL. Give the full address, e.g. https://jira.example.com.`);
  }
  const host = normalHost(url.hostname);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AppError('VALIDATION', `${field} must be an https:// URL.`);
  }
  if (url.protocol === 'http:' && !policy.allowHttpHosts.some((h) => normalHost(h) === host)) {
    throw new AppError(
      'VALIDATION',
      `${field} must use https://; plain http is allowed only for hosts on SWITCHYARD_ALLOW_HTTP_HOSTS.`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new AppError('VALIDATION', `${field} must not carry credentials; send them in auth.`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new AppError('VALIDATION', `${field} must not have a query string or fragment.`);
  }
  if (METADATA_HOSTS.includes(host) && !isAllowlisted(policy, host)) {
    throw new AppError('VALIDATION', `${field} names ${host}, a cloud metadata host; refused. ${HINT_ALLOW}`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

export type Resolver = (hostname: string) => Promise<string[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * The connect-time check: the URL's form, then every address its host resolves to (one bad answer among good
 * ones refuses the URL). Answers the normalised URL.
 */
export async function guardUrl(
  policy: HostPolicy,
  raw: string,
  field = 'base_url',
  resolve: Resolver = systemResolver,
): Promise<string> {
  const normalised = checkUrlForm(policy, raw, field);
  const host = normalHost(new URL(normalised).hostname);
  if (isIP(host) !== 0) {
    checkAddress(policy, host, host, field);
    return normalised;
  }
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch (err) {
    throw new AppError('VALIDATION', `${field} host ${host} does not resolve. Check the name and the DNS.`, {
      cause: err,
    });
  }
  if (addresses.length === 0) {
    throw new AppError('VALIDATION', `${field} host ${host} does not resolve. Check the name and the DNS.`);
  }
  for (const address of addresses) checkAddress(policy, host, address, field);
  return normalised;
}
