import { paths } from '@switchyard/sdk';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Runtime } from '../../runtime/runtime.js';
import { createPage, deletePage, updatePage } from '../../services/confluence/page-write.js';
import { getPage, listChildren, listSpacePages } from '../../services/confluence/pages.js';
import { searchContent } from '../../services/confluence/search.js';
import { listSpaces } from '../../services/confluence/spaces.js';
import { connectionConfluence } from '../../services/confluence/transport.js';
import {
  confluenceParams,
  createPageBody,
  listQuery,
  pageParams,
  pageQuery,
  searchQuery,
  spaceParams,
  updatePageBody,
} from '../confluence-schemas.js';
import { principalOf } from '../plugins/authenticate.js';

/** `/v1/connections/{id}/confluence/…`: the normalized Confluence API (docs/confluence-api.md), thin over services/confluence. */
export const confluenceRoutes =
  (runtime: Runtime): FastifyPluginAsyncZod =>
  async (app) => {
    const deps = { config: runtime.config, outbound: runtime.outbound, targets: runtime.targets };
    const confluenceOf = (req: Parameters<typeof principalOf>[0] & { params: { connection_id: string } }) =>
      connectionConfluence(deps, principalOf(req).tenant.id, req.params.connection_id);
    const tags = ['confluence'];

    app.get(
      paths.confluenceSpaces,
      { schema: { tags, summary: 'List Confluence spaces', params: confluenceParams, querystring: listQuery } },
      async (req) => listSpaces(await confluenceOf(req), req.query),
    );

    app.get(
      paths.confluenceSpacePages,
      {
        schema: {
          tags,
          summary: 'List the pages of a space (without bodies)',
          params: spaceParams,
          querystring: listQuery,
        },
      },
      async (req) => listSpacePages(await confluenceOf(req), req.params.space_key_or_id, req.query),
    );

    app.post(
      paths.confluencePages,
      { schema: { tags, summary: 'Create a page', params: confluenceParams, body: createPageBody } },
      async (req, reply) => reply.status(201).send(await createPage(await confluenceOf(req), req.body)),
    );

    app.get(
      paths.confluencePage,
      { schema: { tags, summary: 'Get a page with its body', params: pageParams, querystring: pageQuery } },
      async (req) => getPage(await confluenceOf(req), req.params.page_id, req.query.format),
    );

    app.put(
      paths.confluencePage,
      {
        schema: {
          tags,
          summary: 'Update a page’s title or body (version: the version last read)',
          params: pageParams,
          body: updatePageBody,
        },
      },
      async (req) => updatePage(await confluenceOf(req), req.params.page_id, req.body),
    );

    app.delete(
      paths.confluencePage,
      { schema: { tags, summary: 'Move a page to the trash', params: pageParams } },
      async (req, reply) => {
        await deletePage(await confluenceOf(req), req.params.page_id);
        return reply.status(204).send();
      },
    );

    app.get(
      paths.confluenceChildren,
      { schema: { tags, summary: 'List a page’s child pages', params: pageParams, querystring: listQuery } },
      async (req) => listChildren(await confluenceOf(req), req.params.page_id, req.query),
    );

    app.get(
      paths.confluenceSearch,
      { schema: { tags, summary: 'Search content by CQL', params: confluenceParams, querystring: searchQuery } },
      async (req) => searchContent(await confluenceOf(req), req.query),
    );
  };
