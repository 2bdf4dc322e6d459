import { randomBytes } from 'node:crypto';
import { Keyring } from '../crypto/keyring.js';
import { keyFilePath, readKeyFile, writeKeyFile } from '../crypto/master-key.js';
import type { Runtime } from '../runtime/runtime.js';
import { SecretService } from '../services/secrets.js';

export interface RotationReport {
  activeKeyId: string;
  rewrapped: number;
  retired: string[];
  advice: string;
}

const decode = (b64: string) => Buffer.from(b64, 'base64');

/**
 * Rotate the master key. Data keys are re-wrapped, secrets are not re-encrypted.
 * - Key file (embedded default): a new key becomes active, the old one stays in `previous` so running
 *   gateways and unrotated rows still decrypt; `retirePrevious` drops old keys once nothing uses them.
 * - Environment: the operator sets the new SWITCHYARD_MASTER_KEY and lists the old one in
 *   SWITCHYARD_PREVIOUS_MASTER_KEYS; this re-wraps everything under the new one.
 */
export async function rotateMaster(
  runtime: Runtime,
  retirePrevious: boolean,
  progress: (n: number) => void,
): Promise<RotationReport> {
  if (runtime.keyringSource === 'environment') {
    const { rewrapped } = await runtime.secrets.rewrapAll(progress);
    const hasPrevious = runtime.config.previousMasterKeys.length > 0;
    return {
      activeKeyId: runtime.keyring.activeKeyId,
      rewrapped,
      retired: [],
      advice: hasPrevious
        ? 'Every secret now uses the active key. Once every replica runs with the new SWITCHYARD_MASTER_KEY, remove SWITCHYARD_PREVIOUS_MASTER_KEYS.'
        : 'To rotate: set SWITCHYARD_MASTER_KEY to a new key (openssl rand -base64 32), put the old one in SWITCHYARD_PREVIOUS_MASTER_KEYS, and run this again.',
    };
  }
  const file = keyFilePath(runtime.config);
  const current = readKeyFile(file);
  if (retirePrevious) {
    const { rewrapped } = await runtime.secrets.rewrapAll(progress);
    const left = await runtime.store.listSecretsNotWrappedBy(runtime.keyring.activeKeyId, { limit: 1 });
    if (left.length > 0)
      throw new Error('some secrets still use an old master key; run rotate-master again before retiring');
    const retired = runtime.keyring.keyIds.filter((id) => id !== runtime.keyring.activeKeyId);
    writeKeyFile(file, { active: current.active, previous: [] });
    return {
      activeKeyId: runtime.keyring.activeKeyId,
      rewrapped,
      retired,
      advice: 'Old master keys removed from the key file.',
    };
  }
  const fresh = randomBytes(32).toString('base64');
  const next = { active: fresh, previous: [current.active, ...current.previous] };
  // The new key is on disk (with the old ones) before any row uses it: a crash here loses nothing.
  writeKeyFile(file, next);
  const keyring = new Keyring(decode(next.active), next.previous.map(decode));
  const { rewrapped } = await new SecretService(runtime.store, keyring).rewrapAll(progress);
  return {
    activeKeyId: keyring.activeKeyId,
    rewrapped,
    retired: [],
    advice:
      'Restart running gateways so they use the new key, then run "switchyard keys rotate-master --retire-previous" to drop the old one.',
  };
}
