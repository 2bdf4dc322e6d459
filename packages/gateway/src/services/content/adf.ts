/**
 * Markdown ↔ Atlassian Document Format, the rich text of Jira Cloud (and Confluence Cloud's editor). The mapping,
 * the escape hatch for nodes Markdown cannot express and what is lossy are in docs/content-formats.md.
 */
import { type AdfDoc, type AdfNode, isAdfDoc, RAW_STORAGE, RAW_STORAGE_INLINE } from './adf-node.js';
import { markdownToAdf } from './md-parse.js';
import { writeDocument } from './md-write.js';

export type { AdfDoc, AdfMark, AdfNode } from './adf-node.js';
export { isAdfDoc, markdownToAdf };

/** An ADF document as Markdown; `markdownToAdf` of the result gives back the same content, node for node. */
export function adfToMarkdown(doc: AdfDoc | { content: AdfNode[] }): string {
  return writeDocument(doc.content);
}

/** Like `adfToMarkdown` for a value of unknown shape: a string passes through, anything else but ADF is null. */
export function adfValueToMarkdown(value: unknown): string | null {
  if (typeof value === 'string') return value;
  return isAdfDoc(value) ? adfToMarkdown(value) : null;
}

/** Whether a document holds kept Confluence storage (`x-storage` nodes, `xStorage` attributes): storage only. */
export function holdsStorage(nodes: readonly AdfNode[]): boolean {
  return nodes.some(
    (n) =>
      n.type === RAW_STORAGE ||
      n.type === RAW_STORAGE_INLINE ||
      n.attrs?.xStorage !== undefined ||
      holdsStorage(n.content ?? []),
  );
}
