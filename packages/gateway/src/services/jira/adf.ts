/**
 * Jira's side of the Markdown ⇄ ADF conversion (Cloud's v3 rich text). The converter itself lives in
 * services/content (shared with Confluence); these are the names the Jira services use.
 */
import { AppError } from '../../errors/app-error.js';
import { type AdfDoc, adfValueToMarkdown, holdsStorage, isAdfDoc, markdownToAdf } from '../content/adf.js';
import { holdsWiki } from '../content/wiki.js';

export type { AdfDoc, AdfNode } from '../content/adf.js';
export { isAdfDoc };

/** Markdown (the API's default text format) → the ADF document Jira Cloud stores. */
export function textToAdf(text: string): AdfDoc {
  const doc = markdownToAdf(text);
  // Markdown read from a Confluence page may carry storage XHTML kept verbatim: Jira would refuse it as ADF.
  if (holdsStorage(doc.content))
    throw new AppError('VALIDATION', 'This Markdown carries Confluence storage (x-storage) that Jira cannot hold.');
  // Likewise wiki markup kept verbatim from a Jira Data Center issue (x-wiki): it has no ADF form.
  if (holdsWiki(doc.content))
    throw new AppError(
      'VALIDATION',
      'This Markdown carries Jira Data Center wiki markup (x-wiki) that Jira Cloud cannot hold.',
    );
  return doc;
}

/** An ADF document as Markdown (a string passes through); a value that is neither gives null. */
export function adfToText(doc: unknown): string | null {
  return adfValueToMarkdown(doc);
}
