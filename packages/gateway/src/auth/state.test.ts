import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Keyring } from '../crypto/keyring.js';
import {
  bindingCookieName,
  bindingHash,
  bindingMatches,
  newBinding,
  newFlowId,
  StateSigner,
  stateSigner,
} from './state.js';

describe('OAuth state', () => {
  const signer = new StateSigner([randomBytes(32)]);

  it('signs a 128-bit flow id and verifies it back', () => {
    const id = newFlowId();
    expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    const state = signer.sign(id);
    expect(state.startsWith(`${id}.`)).toBe(true);
    expect(signer.verify(state)).toBe(id);
  });

  it('refuses a forged, altered, truncated or foreign state', () => {
    const id = newFlowId();
    const state = signer.sign(id);
    const other = newFlowId();
    expect(signer.verify(`${other}.${state.split('.')[1]}`)).toBeUndefined();
    const mac = state.split('.')[1] ?? '';
    const flipped = `${mac.slice(0, -2)}${mac.at(-2) === 'A' ? 'B' : 'A'}${mac.at(-1)}`;
    expect(signer.verify(`${id}.${flipped}`)).toBeUndefined();
    expect(signer.verify(id)).toBeUndefined();
    expect(signer.verify(`${state}.x`)).toBeUndefined();
    expect(signer.verify('')).toBeUndefined();
    expect(signer.verify(undefined)).toBeUndefined();
    expect(new StateSigner([randomBytes(32)]).verify(state)).toBeUndefined();
  });

  it('uses STATE_SIGNING_SECRET when set, so any replica with the same secret verifies', () => {
    const keyring = new Keyring(randomBytes(32));
    const config = { stateSigningSecret: 'x'.repeat(40) };
    const state = stateSigner(config, keyring).sign(newFlowId());
    expect(stateSigner(config, new Keyring(randomBytes(32))).verify(state)).toBeDefined();
    expect(stateSigner({}, keyring).verify(state)).toBeUndefined();
  });

  it('derives its key from the master key otherwise: replicas agree, and a rotation keeps flows alive', () => {
    const master = randomBytes(32);
    const state = stateSigner({}, new Keyring(master)).sign(newFlowId());
    expect(stateSigner({}, new Keyring(master)).verify(state)).toBeDefined();
    const rotated = new Keyring(randomBytes(32), [master]);
    expect(stateSigner({}, rotated).verify(state)).toBeDefined();
    expect(stateSigner({}, new Keyring(randomBytes(32))).verify(state)).toBeUndefined();
  });
});

describe('browser binding', () => {
  it('matches only the cookie whose hash the flow holds', () => {
    const binding = newBinding();
    const hash = bindingHash(binding);
    expect(hash).not.toContain(binding);
    expect(bindingMatches(binding, hash)).toBe(true);
    expect(bindingMatches(newBinding(), hash)).toBe(false);
    expect(bindingMatches(undefined, hash)).toBe(false);
    expect(bindingMatches(binding, '')).toBe(false);
  });

  it('names one cookie per flow', () => {
    const a = newFlowId();
    expect(bindingCookieName(a)).not.toBe(bindingCookieName(newFlowId()));
    expect(bindingCookieName(a)).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
