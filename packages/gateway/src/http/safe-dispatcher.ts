import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP, type LookupFunction } from 'node:net';
import { getCACertificates } from 'node:tls';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import type { Config } from '../config/load.js';
import { checkAddress, type HostPolicy, hostPolicy, type Resolver, systemResolver } from './host-guard.js';

/**
 * The lookup every guarded socket uses: resolve, refuse the connection if any answer is a forbidden address,
 * else hand the checked addresses to the socket. The check runs on the answer the socket really connects to,
 * so a name that resolved to a public address when the connection was saved and to 127.0.0.1 now is refused.
 */
export function guardedLookup(policy: HostPolicy, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname)
      .then((found) => {
        if (found.length === 0) throw Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' });
        for (const address of found) checkAddress(policy, hostname, address, `upstream ${hostname}`);
        const wanted = found.filter((a) => !options.family || isIP(a) === options.family);
        const list = (wanted.length > 0 ? wanted : found).map((address) => ({ address, family: isIP(address) }));
        const first = list[0] ?? { address: hostname, family: 0 };
        if (options.all === true) callback(null, list);
        else callback(null, first.address, first.family);
      })
      .catch((err: NodeJS.ErrnoException) => callback(err, '', 0));
  };
}

export interface SafeAgentOptions {
  policy: HostPolicy;
  resolve?: Resolver;
  /** Extra trusted CA certificates (PEM); the default roots and NODE_EXTRA_CA_CERTS stay trusted. */
  extraCa?: string[];
  connectTimeoutMs?: number;
}

function caOption(extra: string[] | undefined): { ca?: string[] } {
  return extra === undefined || extra.length === 0 ? {} : { ca: [...getCACertificates('default'), ...extra] };
}

/** An undici Agent whose every socket is checked by the host guard: by name through the lookup, IP literals here. */
export function createSafeAgent(options: SafeAgentOptions): Agent {
  const base = buildConnector({
    ...caOption(options.extraCa),
    lookup: guardedLookup(options.policy, options.resolve),
    timeout: options.connectTimeoutMs ?? 10_000,
  });
  const connect: buildConnector.connector = (opts, callback) => {
    if (isIP(opts.hostname) !== 0) {
      try {
        checkAddress(options.policy, opts.hostname, opts.hostname, 'upstream');
      } catch (err) {
        callback(err as Error, null);
        return;
      }
    }
    base(opts, callback);
  };
  return new Agent({ connect });
}

const originOf = (url: string) => new URL(url).origin;

/**
 * The dispatchers upstream calls go through. The configured cloud origins (Atlassian's and Bitbucket's API and
 * auth URLs) are the operator's choice and trusted; every other origin (Data Center base URLs, Atlassian site
 * URLs) goes through a guarded agent, one per extra CA bundle a connection carries.
 */
export class UpstreamDispatchers {
  readonly policy: HostPolicy;
  readonly #resolve: Resolver;
  readonly #globalCa: string[];
  readonly #trustedOrigins: Set<string>;
  readonly #trusted: Agent;
  readonly #guarded = new Map<string, Agent>();

  constructor(config: Config, options: { resolve?: Resolver } = {}) {
    this.policy = hostPolicy(config);
    this.#resolve = options.resolve ?? systemResolver;
    this.#globalCa = config.caFile === undefined ? [] : [readCaFile(config.caFile)];
    this.#trustedOrigins = new Set(
      [config.atlassianApiUrl, config.atlassianAuthUrl, config.bitbucketApiUrl, config.bitbucketAuthUrl].map(originOf),
    );
    this.#trusted = new Agent({ connect: caOption(this.#globalCa) });
  }

  isTrusted(url: string): boolean {
    return this.#trustedOrigins.has(originOf(url));
  }

  /** The agent for user-supplied origins, trusting `caPem` (a connection's own CA bundle) besides the defaults. */
  guarded(caPem?: string | null): Dispatcher {
    const key = caPem ? createHash('sha256').update(caPem).digest('hex') : '';
    let agent = this.#guarded.get(key);
    if (agent === undefined) {
      const extraCa = caPem ? [...this.#globalCa, caPem] : this.#globalCa;
      agent = createSafeAgent({ policy: this.policy, resolve: this.#resolve, extraCa });
      this.#guarded.set(key, agent);
    }
    return agent;
  }

  /** The dispatcher for a request to `url`: trusted for the configured cloud origins, guarded for the rest. */
  forUrl(url: string, caPem?: string | null): Dispatcher {
    return this.isTrusted(url) ? this.#trusted : this.guarded(caPem);
  }

  async close(): Promise<void> {
    const agents = [this.#trusted, ...this.#guarded.values()];
    this.#guarded.clear();
    await Promise.all(agents.map((a) => a.close()));
  }
}

function readCaFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`SWITCHYARD_CA_FILE: cannot read ${file}: ${(err as Error).message}`);
  }
}
