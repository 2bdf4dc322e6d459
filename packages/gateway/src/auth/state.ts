import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Keyring } from '../crypto/keyring.js';

/**
 * The OAuth `state` and the browser binding of a connect flow.
 *
 * A flow's id is 128 random bits. The `state` sent to the provider (and the path of our start URL) is
 * `<id>.<HMAC-SHA256(key, id)>`, so a callback can tell a state we issued from a forged one before it
 * touches the database. The key is STATE_SIGNING_SECRET, else one derived from the master keys, so every
 * replica signs and verifies alike. The binding is a random value in an HttpOnly cookie set by the browser
 * that starts the flow; the flow row keeps only its sha256.
 */

const FLOW_ID = /^[A-Za-z0-9_-]{22}$/;
const MAC = /^[A-Za-z0-9_-]{43}$/;
const DOMAIN = 'switchyard/oauth-state/v1\0';

export const newFlowId = (): string => randomBytes(16).toString('base64url');

export class StateSigner {
  readonly #keys: Buffer[];

  /** `keys[0]` signs; every key verifies (a master key rotation does not break flows in progress). */
  constructor(keys: Buffer[]) {
    if (keys.length === 0) throw new Error('a state signer needs a key');
    this.#keys = keys;
  }

  sign(flowId: string): string {
    if (!FLOW_ID.test(flowId)) throw new Error('not a flow id');
    return `${flowId}.${mac(this.#keys[0] as Buffer, flowId)}`;
  }

  /** The flow id of a state this gateway signed, or undefined for anything else. */
  verify(state: string | undefined): string | undefined {
    if (state === undefined) return undefined;
    const [flowId, given, ...rest] = state.split('.');
    if (flowId === undefined || given === undefined || rest.length > 0) return undefined;
    if (!FLOW_ID.test(flowId) || !MAC.test(given)) return undefined;
    const presented = Buffer.from(given, 'base64url');
    const ok = this.#keys.some((key) => timingSafeEqual(Buffer.from(mac(key, flowId), 'base64url'), presented));
    return ok ? flowId : undefined;
  }
}

function mac(key: Buffer, flowId: string): string {
  return createHmac('sha256', key).update(DOMAIN).update(flowId).digest('base64url');
}

const signers = new WeakMap<Keyring, StateSigner>();

/** The signer for this configuration: STATE_SIGNING_SECRET when set, else keys derived from the keyring. */
export function stateSigner(config: { stateSigningSecret?: string | undefined }, keyring: Keyring): StateSigner {
  if (config.stateSigningSecret !== undefined) return new StateSigner([Buffer.from(config.stateSigningSecret, 'utf8')]);
  let signer = signers.get(keyring);
  if (signer === undefined) {
    signer = new StateSigner(keyring.deriveKeys('oauth-state'));
    signers.set(keyring, signer);
  }
  return signer;
}

/** A fresh browser-binding value (the cookie's content). */
export const newBinding = (): string => randomBytes(32).toString('base64url');

export const bindingHash = (binding: string): string => createHash('sha256').update(binding).digest('hex');

/** Whether the cookie a browser presented is the one bound to the flow (constant time). */
export function bindingMatches(presented: string | undefined, expectedHash: string): boolean {
  if (presented === undefined || expectedHash === '') return false;
  const a = Buffer.from(bindingHash(presented), 'hex');
  const b = Buffer.from(expectedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** One cookie per flow, so two flows started in one browser do not overwrite each other's binding. */
export const bindingCookieName = (flowId: string): string => `sy_connect_${flowId}`;
