import { AppError } from '../errors/app-error.js';
import { atlassianCloud } from './atlassian-cloud/definition.js';
import { bitbucketCloud } from './bitbucket-cloud/definition.js';
import { bitbucketDc } from './bitbucket-dc/definition.js';
import { confluenceDc } from './confluence-dc/definition.js';
import { jiraDc } from './jira-dc/definition.js';
import type { ProviderDefinition, ProviderId } from './types.js';

/** Every provider Switchyard speaks to. Adding one means adding its folder and a line here. */
export const providers: Record<ProviderId, ProviderDefinition> = {
  'atlassian-cloud': atlassianCloud,
  'jira-dc': jiraDc,
  'confluence-dc': confluenceDc,
  'bitbucket-cloud': bitbucketCloud,
  'bitbucket-dc': bitbucketDc,
};

export const providerIds = Object.keys(providers) as ProviderId[];

export function isProviderId(id: string): id is ProviderId {
  return Object.hasOwn(providers, id);
}

/** The provider, or a NOT_FOUND that lists the ones that exist. */
export function requireProvider(id: string): ProviderDefinition {
  if (!isProviderId(id)) {
    throw new AppError('NOT_FOUND', `Unknown provider "${id}". Known providers: ${providerIds.join(', ')}.`);
  }
  return providers[id];
}
