/**
 * Markdown ↔ Jira wiki markup, the rich text of Jira Data Center. Both go through ADF nodes, so wiki gets the same
 * Markdown dialect as Jira Cloud and Confluence (panels as `> [!INFO]`, mentions, `<!--adf:{…}-->` escapes).
 * Wiki markup the mapping cannot rebuild exactly travels through Markdown verbatim as `x-wiki` nodes, so
 * wiki → Markdown → wiki gives back the source. Mapping and limits: docs/content-formats.md.
 */
import { type AdfNode, RAW_WIKI, RAW_WIKI_INLINE, sameJson } from './adf-node.js';
import { markdownToAdf } from './md-parse.js';
import { writeDocument } from './md-write.js';
import type { EscapeLevel } from './wiki-inline.js';
import { readWiki } from './wiki-read.js';
import { checkNoStorage, writeWikiBlock } from './wiki-write.js';

const LEVELS: EscapeLevel[] = [0, 1, 2];

/**
 * One block as wiki markup: the least escaped spelling that reads back as the same node. A node wiki cannot
 * express (or one holding verbatim wiki) never reads back the same; it gets the plain spelling.
 */
export function blockToWiki(node: AdfNode): string {
  const tried = new Set<string>();
  for (const level of LEVELS) {
    const wiki = writeWikiBlock(node, level);
    if (tried.has(wiki)) continue;
    tried.add(wiki);
    const read = readWiki(wiki);
    if (read.length === 1 && sameJson(read[0]?.node, node)) return wiki;
  }
  return writeWikiBlock(node, 0);
}

/** Wiki markup → ADF blocks; each block either reads back to its source or is kept verbatim (`x-wiki`). */
export function wikiToAdfNodes(wiki: string): AdfNode[] {
  return readWiki(wiki, (node, source) => blockToWiki(node) === source).map((r) => r.node);
}

/** ADF blocks → wiki markup, blocks separated by one blank line. */
export function adfNodesToWiki(nodes: readonly AdfNode[]): string {
  checkNoStorage(nodes);
  // A node with nothing to write (an attachment Data Center cannot reach) leaves no empty block behind.
  return nodes
    .map(blockToWiki)
    .filter((w) => w !== '')
    .join('\n\n');
}

export function wikiToMarkdown(wiki: string): string {
  return writeDocument(wikiToAdfNodes(wiki));
}

/** Markdown → wiki markup; Markdown carrying Confluence storage kept verbatim is refused (`VALIDATION`). */
export function markdownToWiki(markdown: string): string {
  return adfNodesToWiki(markdownToAdf(markdown).content);
}

/**
 * Whether nodes hold verbatim wiki markup (`x-wiki` nodes, `xWiki` attributes): Data Center only, Jira Cloud's
 * ADF cannot carry it.
 */
export function holdsWiki(nodes: readonly AdfNode[]): boolean {
  return nodes.some(
    (n) =>
      n.type === RAW_WIKI || n.type === RAW_WIKI_INLINE || n.attrs?.xWiki !== undefined || holdsWiki(n.content ?? []),
  );
}
