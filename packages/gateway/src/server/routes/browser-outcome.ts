import type { FastifyReply } from 'fastify';
import type { Config } from '../../config/load.js';
import { FLOW_TTL_MS, isSecureOrigin } from '../../services/connect-flow.js';
import type { BrowserOutcome } from '../../services/connect-outcome.js';
import { messagePage, pickerPage } from '../pages/connect-pages.js';
import { PAGE_CSP } from '../pages/html.js';

/**
 * The binding cookie: HttpOnly (no script reads it), SameSite=Lax (sent on the top-level redirect back from
 * the provider, not on cross-site posts), Secure when the public URL is https. It lives for the flow and its
 * site picker (2 × 10 minutes).
 */
const cookieOptions = (config: Config) =>
  ({
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: isSecureOrigin(config),
    maxAge: (2 * FLOW_TTL_MS) / 1000,
  }) as const;

export function setBindingCookie(reply: FastifyReply, config: Config, c: { name: string; value: string }): void {
  reply.setCookie(c.name, c.value, cookieOptions(config));
}

/** Answer a browser step: a redirect, or a small HTML page; never cached, never leaking a Referer. */
export function sendOutcome(reply: FastifyReply, config: Config, outcome: BrowserOutcome): FastifyReply {
  reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
  if (outcome.kind === 'redirect') {
    if (outcome.setCookie !== undefined) setBindingCookie(reply, config, outcome.setCookie);
    if (outcome.clearCookie !== undefined) reply.clearCookie(outcome.clearCookie, { path: '/' });
    return reply.redirect(outcome.location, 302);
  }
  reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP);
  if (outcome.kind === 'picker') {
    // Relative action: resolves to …/oauth/select from /oauth/callback and /oauth/select, behind any path prefix.
    return reply
      .status(200)
      .send(pickerPage('select', outcome.state, outcome.providerName, outcome.sites, outcome.notice));
  }
  if (outcome.clearCookie !== undefined) reply.clearCookie(outcome.clearCookie, { path: '/' });
  return reply.status(outcome.status).send(messagePage(outcome.title, outcome.message, outcome.connectionIds));
}
