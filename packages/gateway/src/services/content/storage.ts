/**
 * Markdown ↔ Confluence storage format (XHTML). Both go through ADF nodes, so storage gets the same Markdown
 * dialect as Jira (mentions, panels, task lists, tables, `<!--adf:{…}-->` escapes); storage with no ADF form is
 * carried through Markdown verbatim. Mapping and limits: docs/content-formats.md.
 */
import { markdownToAdf } from './md-parse.js';
import { writeDocument } from './md-write.js';
import { storageToAdfNodes } from './storage-read.js';
import { adfNodesToStorage } from './storage-write.js';

export function markdownToStorage(md: string): string {
  return adfNodesToStorage(markdownToAdf(md).content);
}

export function storageToMarkdown(xhtml: string): string {
  return writeDocument(storageToAdfNodes(xhtml));
}
