import type { Middleware, Provider } from 'oidc-provider';

export type ConsentDecision = 'grant' | 'deny';

/**
 * The login and consent screens, answered automatically but through oidc-provider's real interaction
 * protocol: /authorize redirects here with an interaction cookie, this handler reads the interaction
 * (which needs that cookie), finishes it with a 303 back to /authorize/:uid (which needs the resume
 * cookie), and oidc-provider comes back once for consent. A client that does not keep cookies like a
 * browser does not get a code.
 */
export function interactionHandler(p: {
  provider: Provider;
  accountId: string;
  decision: () => ConsentDecision;
  onInteraction: (prompt: string) => void;
}): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET' || !/^\/interaction\/[^/]+$/.test(ctx.path)) return next();
    const { provider } = p;
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const prompt = details.prompt.name;
    p.onInteraction(prompt);
    ctx.respond = false;
    if (p.decision() === 'deny') {
      const result = { error: 'access_denied', error_description: 'The user declined access to the app.' };
      return provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    }
    if (prompt === 'login') {
      const result = { login: { accountId: p.accountId } };
      return provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    }
    const clientId = String(details.params.client_id);
    const grant =
      details.grantId === undefined
        ? new provider.Grant({ accountId: p.accountId, clientId })
        : ((await provider.Grant.find(details.grantId)) ?? new provider.Grant({ accountId: p.accountId, clientId }));
    const missing = details.prompt.details.missingOIDCScope;
    if (Array.isArray(missing) && missing.length > 0) grant.addOIDCScope(missing.join(' '));
    const grantId = await grant.save();
    return provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  };
}
