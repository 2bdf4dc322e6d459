import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime/runtime.js';
import { handleCallback } from '../../services/connect-callback.js';
import { selectSites } from '../../services/connect-select.js';
import { sendOutcome } from './browser-outcome.js';

const param = z.string().max(4096).optional();

/** What the provider appends to the redirect URI; anything else it adds is ignored. */
const callbackQuery = z.looseObject({ code: param, state: param, error: param, error_description: param });

/** The site picker's form: the state and one `site` per checked box. */
const selectBody = z.looseObject({
  state: param,
  site: z.union([z.string().max(200), z.array(z.string().max(200)).max(500)]).optional(),
});

/**
 * Where the provider sends the browser back (`/oauth/callback`, one redirect URI for every provider) and
 * where the site picker posts. No API key: the signed state and the browser's binding cookie are the proof.
 */
export const oauthCallbackRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    await app.register(cookie);
    await app.register(formbody);

    app.get(paths.oauthCallback, { schema: { hide: true, querystring: callbackQuery } }, async (req, reply) => {
      const { code, state, error } = req.query;
      const outcome = await handleCallback(runtime, { code, state, error, cookies: req.cookies });
      return sendOutcome(reply, runtime.config, outcome);
    });

    app.post(paths.oauthSelect, { schema: { hide: true, body: selectBody } }, async (req, reply) => {
      const { state, site } = req.body;
      const siteIds = site === undefined ? [] : Array.isArray(site) ? site : [site];
      const outcome = await selectSites(runtime, { state, siteIds, cookies: req.cookies });
      return sendOutcome(reply, runtime.config, outcome);
    });
  };
