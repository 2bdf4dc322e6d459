import type { DeliveryInfo, IncomingHeaders, SignatureScheme, WebhookProvider } from './types.js';
import { rawHeader } from './types.js';
import { type HmacFailure, verifyHubSignature } from './verify-hmac.js';
import { type JwtFailure, type JwtOptions, verifyAtlassianJwt } from './verify-jwt.js';

/**
 * The first step of ingestion, before the body is parsed: is this delivery from the vendor? The scheme comes from
 * the hook's stored configuration, so a request cannot choose a weaker one by sending other headers.
 */

export type VerificationConfig =
  | { scheme: 'hub-signature'; secrets: readonly string[] }
  | { scheme: 'atlassian-jwt'; clientSecrets: readonly string[]; options?: JwtOptions };

export type RejectReason = HmacFailure | JwtFailure | 'scheme_not_supported';

export type VerifyOutcome =
  | { status: 'verified'; delivery: DeliveryInfo; scheme: SignatureScheme; secretIndex: number }
  | { status: 'ping'; delivery: DeliveryInfo }
  | { status: 'rejected'; delivery: DeliveryInfo; reason: RejectReason; detail: string };

export function verifyDelivery(
  provider: WebhookProvider,
  config: VerificationConfig,
  rawBody: Uint8Array,
  headers: IncomingHeaders,
): VerifyOutcome {
  const delivery = provider.describe(headers, rawBody);
  // A ping is answered and dropped whatever it carries: nothing in it is stored or trusted.
  if (delivery.ping && provider.unsignedPing) return { status: 'ping', delivery };
  if (!provider.schemes.includes(config.scheme)) {
    const detail = `${provider.source} webhooks cannot be verified with ${config.scheme}`;
    return { status: 'rejected', delivery, reason: 'scheme_not_supported', detail };
  }
  const result =
    config.scheme === 'hub-signature'
      ? verifyHubSignature(rawBody, rawHeader(headers, 'x-hub-signature'), config.secrets)
      : verifyAtlassianJwt(rawHeader(headers, 'authorization'), config.clientSecrets, config.options);
  if (!result.ok) return { status: 'rejected', delivery, reason: result.reason, detail: result.detail };
  return { status: 'verified', delivery, scheme: config.scheme, secretIndex: result.secretIndex };
}
