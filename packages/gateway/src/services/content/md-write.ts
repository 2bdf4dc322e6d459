import { type AdfNode, escapeAttrs, escapeNode, sameJson } from './adf-node.js';
import { markdownToAdf } from './md-parse.js';
import { type InlineContext, writeInline } from './md-write-inline.js';

/**
 * ADF blocks → Markdown, lossless by construction: each block is written in plain Markdown, then read back; if
 * that does not give the very same node, it is written with its attributes as an `<!--adf:attrs {…}-->` line
 * when only those differ, else whole as the `<!--adf:{…}-->` escape. The document as a whole gets the same check.
 */

const PANEL_NAMES: Record<string, string> = {
  info: 'INFO',
  note: 'NOTE',
  warning: 'WARNING',
  success: 'SUCCESS',
  error: 'ERROR',
};

const LISTS = new Set(['bulletList', 'orderedList', 'taskList']);

function indent(text: string, by: string, first: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? first + line : line === '' ? '' : by + line))
    .join('\n');
}

function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? '>' : `> ${line}`))
    .join('\n');
}

function item(marker: string, body: string): string {
  return body === '' ? marker.trimEnd() : indent(body, ' '.repeat(marker.length), marker);
}

function codeBlock(node: AdfNode): string | null {
  const given = node.attrs?.language;
  const language = typeof given === 'string' ? given : undefined;
  const text = (node.content ?? []).map((t) => t.text ?? '').join('');
  const longest = Math.max(0, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language ?? ''}\n${text === '' ? '' : `${text}\n`}${fence}`;
}

function table(node: AdfNode, style: Style): string | null {
  const rows = node.content ?? [];
  const lines: string[] = [];
  const width = rows[0]?.content?.length ?? 0;
  for (const [r, row] of rows.entries()) {
    const cells = row.content ?? [];
    if (row.type !== 'tableRow' || cells.length !== width || width === 0) return null;
    const texts: string[] = [];
    for (const cell of cells) {
      if (cell.type !== (r === 0 ? 'tableHeader' : 'tableCell')) return null;
      const para = cell.content?.[0];
      if (cell.content?.length !== 1 || para?.type !== 'paragraph') return null;
      texts.push(writeInline(para.content ?? [], { ...style, table: true }));
    }
    lines.push(`| ${texts.join(' | ')} |`);
    if (r === 0) lines.push(`|${' --- |'.repeat(width)}`);
  }
  return lines.join('\n');
}

function taskItem(node: AdfNode, ctx: InlineContext): string | null {
  const { state, ...rest } = node.attrs ?? {};
  if (node.type !== 'taskItem' || (state !== 'TODO' && state !== 'DONE')) return null;
  const text = writeInline(node.content ?? [], ctx);
  const trailer = sameJson(rest, { localId: '' }) ? '' : ` ${escapeAttrs(rest)}`;
  return item(`- [${state === 'DONE' ? 'x' : ' '}] `, `${text}${trailer}`);
}

function media(node: AdfNode): string | null {
  const inner = node.content?.[0];
  const url = inner?.attrs?.url;
  const alt = inner?.attrs?.alt;
  if (node.content?.length !== 1 || inner?.type !== 'media' || typeof url !== 'string') return null;
  return `![${typeof alt === 'string' ? alt.replace(/[\\[\]]/g, '\\$&') : ''}](${url})`;
}

/** The plain Markdown of a block, or null when it has none (the caller then escapes it). */
function native(node: AdfNode, style: Style): string | null {
  const content = node.content ?? [];
  const ctx: InlineContext = { table: false, ...style };
  switch (node.type) {
    case 'paragraph':
      return content.length === 0 ? null : writeInline(content, ctx);
    case 'heading': {
      const level = Number(node.attrs?.level);
      if (!Number.isInteger(level) || level < 1 || level > 6 || content.length === 0) return null;
      return `${'#'.repeat(level)} ${writeInline(content, ctx)}`;
    }
    case 'codeBlock':
      return codeBlock(node);
    case 'blockquote':
      return quote(writeBlocks(content));
    case 'panel': {
      // A custom panel is written as an info one, its own attributes then put in an attrs comment.
      const name = PANEL_NAMES[String(node.attrs?.panelType)] ?? 'INFO';
      const body = writeBlocks(content);
      return quote(content[0]?.type === 'paragraph' ? `[!${name}]\n${body}` : `[!${name}]\n\n${body}`);
    }
    case 'bulletList':
      return content.map((li) => item('- ', itemBlocks(li.content ?? []))).join('\n');
    case 'orderedList': {
      const start = Number(node.attrs?.order ?? 1);
      if (!Number.isInteger(start) || start < 0) return null;
      return content.map((li, i) => item(`${start + i}. `, itemBlocks(li.content ?? []))).join('\n');
    }
    case 'taskList': {
      const items = content.map((i) => taskItem(i, ctx));
      return items.some((i) => i === null) ? null : items.join('\n');
    }
    case 'rule':
      return '---';
    case 'table':
      return table(node, style);
    case 'mediaSingle':
      return media(node);
    default:
      return null;
  }
}

function readsBack(markdown: string, nodes: AdfNode[]): boolean {
  return sameJson(markdownToAdf(markdown).content, nodes);
}

/** A single block as Markdown that reads back as exactly that block. */
/** The ways to write inline text, tried in turn until the block reads back: the most readable first. */
type Style = Pick<InlineContext, 'em' | 'strict'>;
const STYLES: Style[] = [{ em: '*' }, { em: '_' }, { em: '*', strict: true }, { em: '_', strict: true }];

export function writeBlock(node: AdfNode): string {
  const tried = new Set<string>();
  for (const style of STYLES) {
    const plain = native(node, style);
    if (plain === null) break;
    if (tried.has(plain)) continue;
    tried.add(plain);
    const [read, ...more] = markdownToAdf(plain).content;
    if (read === undefined || more.length > 0) continue;
    if (sameJson(read, node)) return plain;
    if (sameJson({ ...read, attrs: null }, { ...node, attrs: null })) {
      const withAttrs = `${escapeAttrs(node.attrs)}\n${plain}`;
      if (readsBack(withAttrs, [node])) return withAttrs;
    }
  }
  return escapeNode(node);
}

/** Blocks separated by blank lines; two lists in a row need a separator, or Markdown would join them. */
export function writeBlocks(nodes: readonly AdfNode[], write: (n: AdfNode) => string = writeBlock): string {
  return nodes
    .map((node, i) => {
      const before = nodes[i - 1];
      if (before === undefined) return write(node);
      const separate = LISTS.has(before.type) && LISTS.has(node.type);
      return separate ? `\n\n<!-- -->\n\n${write(node)}` : `\n\n${write(node)}`;
    })
    .join('');
}

/** Whether a block may start right under a line of text (CommonMark: an ordered list only from 1). */
function interrupts(node: AdfNode | undefined): boolean {
  if (node?.type === 'orderedList') return Number(node.attrs?.order ?? 1) === 1;
  return node?.type === 'bulletList' || node?.type === 'taskList' || node?.type === 'codeBlock';
}

/** A list item's blocks: a list or code block right under the item's first line needs no blank line before. */
function itemBlocks(nodes: readonly AdfNode[]): string {
  const first = nodes[0];
  if (first?.type !== 'paragraph' || !interrupts(nodes[1])) return writeBlocks(nodes);
  return `${writeBlock(first)}\n${writeBlocks(nodes.slice(1))}`;
}

/** ADF document content → Markdown that `markdownToAdf` turns back into the same content. */
export function writeDocument(nodes: AdfNode[]): string {
  const markdown = writeBlocks(nodes);
  if (readsBack(markdown, nodes)) return markdown;
  // Something did not survive in context: every block as its exact escape always does.
  return writeBlocks(nodes, escapeNode);
}
