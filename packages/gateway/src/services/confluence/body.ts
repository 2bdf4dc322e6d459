import { AppError } from '../../errors/app-error.js';
import { at, obj, str } from '../../webhooks/json.js';
import { markdownToStorage, storageToMarkdown } from '../content/storage.js';
import { isAdfDoc } from '../jira/adf.js';
import type { ConfluenceFlavor } from './transport.js';

/**
 * Page bodies. `markdown` (the default) is converted from and to the storage format Confluence keeps; `storage`
 * passes the storage XHTML untouched; `adf` (Cloud only) passes Cloud's `atlas_doc_format`, a JSON-stringified ADF
 * document on the wire.
 */
export type BodyFormat = 'markdown' | 'storage' | 'adf';

/** The representation Confluence is asked for (and sent) for a body format. */
export type Representation = 'storage' | 'atlas_doc_format';

const refuse = (path: string, message: string) => new AppError('VALIDATION', message, { details: [{ path, message }] });

export function representationOf(format: BodyFormat, flavor: ConfluenceFlavor): Representation {
  if (format !== 'adf') return 'storage';
  if (flavor === 'dc') throw refuse('format', 'Confluence Data Center has no ADF: use format=markdown or storage.');
  return 'atlas_doc_format';
}

/** The caller's body as Confluence stores it: `{representation, value}` with the value a string. */
export function toVendorBody(
  value: unknown,
  format: BodyFormat,
  flavor: ConfluenceFlavor,
): { representation: Representation; value: string } {
  const representation = representationOf(format, flavor);
  if (format === 'adf') {
    let doc: unknown = value;
    if (typeof value === 'string') {
      try {
        doc = JSON.parse(value);
      } catch {
        doc = undefined;
      }
    }
    if (obj(doc) === null || !isAdfDoc(doc))
      throw refuse('body', 'With format=adf, send an ADF document ({"type":"doc",…}) or its JSON text.');
    return { representation, value: JSON.stringify(doc) };
  }
  if (typeof value !== 'string') throw refuse('body', `With format=${format}, send the body as a string.`);
  return { representation, value: format === 'markdown' ? markdownToStorage(value) : value };
}

/** The vendor body of a page in `representation`, or undefined when the answer carries none. */
export function vendorBodyOf(raw: unknown, representation: Representation): string | undefined {
  return str(at(raw, 'body', representation, 'value')) ?? undefined;
}

/** A vendor body (in the representation `format` asked for) as the caller reads it. */
export function fromVendorBody(value: string | undefined, format: BodyFormat): string | null {
  if (value === undefined) return null;
  return format === 'markdown' ? storageToMarkdown(value) : value;
}
