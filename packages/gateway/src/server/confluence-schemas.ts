import { z } from 'zod';

/** Request schemas of the normalized Confluence API (routes/confluence.ts). */
export const confluenceParams = z.object({ connection_id: z.string().min(1).max(100) });

/** Confluence page ids are numeric on both deployments. */
export const pageParams = confluenceParams.extend({
  page_id: z.string().regex(/^[0-9]{1,20}$/, 'a numeric page id'),
});

export const spaceParams = confluenceParams.extend({
  space_key_or_id: z.string().regex(/^~?[A-Za-z0-9_.@:-]{1,255}$/, 'a space key (or, on Cloud, its numeric id)'),
});

const format = z.enum(['markdown', 'storage', 'adf']);
const limit = z.coerce.number().int().min(1).max(100).default(25);
// A Cloud cursor wraps Confluence's own next link, query included (a CQL search's link carries the CQL).
const cursor = z.string().min(1).max(8000).optional();

export const listQuery = z.object({ limit, cursor });

export const pageQuery = z.object({ format: format.default('markdown') });

export const searchQuery = z.object({ cql: z.string().trim().min(1).max(4000), limit, cursor });

/** A body: Markdown or storage text, or with format=adf an ADF document (or its JSON text). */
const body = z.union([z.string().max(1_000_000), z.record(z.string(), z.unknown())]);

export const createPageBody = z
  .object({
    space: z.string().min(1).max(255),
    title: z.string().trim().min(1).max(255),
    body,
    format: format.default('markdown'),
    parent_id: z
      .string()
      .regex(/^[0-9]{1,20}$/)
      .optional(),
  })
  .strict();

export const updatePageBody = z
  .object({
    title: z.string().trim().min(1).max(255).optional(),
    body: body.optional(),
    format: format.default('markdown'),
    version: z.number().int().min(1),
  })
  .strict();
