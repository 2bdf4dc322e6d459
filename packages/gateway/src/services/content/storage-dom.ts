import { DomUtils, parseDocument } from 'htmlparser2';
import type { AdfNode } from './adf-node.js';

/** The storage-format DOM (htmlparser2) as storage-read.ts walks it, and small helpers over it. */

export type Document = ReturnType<typeof parseDocument>;
export type Child = Document['children'][number];
export type Element = Extract<Child, { attribs: Record<string, string> }>;

export function isTag(node: Child): node is Element {
  return 'attribs' in node;
}

/** Text or CDATA: content, as opposed to markup (comments and processing instructions are neither). */
export function isCharacters(node: Child): boolean {
  return node.type === 'text' || node.type === 'cdata';
}

export const INLINE_MARKS: Record<string, string> = {
  strong: 'strong',
  b: 'strong',
  em: 'em',
  i: 'em',
  s: 'strike',
  del: 'strike',
  strike: 'strike',
  u: 'underline',
  code: 'code',
};

const BLOCKS = new Set([
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'blockquote',
  'hr',
  'pre',
  'table',
  'ac:task-list',
  'div',
]);

export function isBlock(node: Child): boolean {
  if (!isTag(node)) return false;
  if (node.name === 'ac:structured-macro') return node.attribs['ac:name'] !== 'status';
  return BLOCKS.has(node.name);
}

export function elements(node: Element, name?: string): Element[] {
  return node.children.filter((c): c is Element => isTag(c) && (name === undefined || c.name === name));
}

/** A macro's `ac:parameter`s by name. */
export function parameters(macro: Element): Map<string, string> {
  return new Map(elements(macro, 'ac:parameter').map((p) => [p.attribs['ac:name'] ?? '', DomUtils.textContent(p)]));
}

export function paragraph(content: AdfNode[]): AdfNode {
  return { type: 'paragraph', content: trimEdges(content) };
}

/** Leading and trailing white space of a block is not content (XHTML indentation). */
export function trimEdges(content: AdfNode[]): AdfNode[] {
  const out = [...content];
  const first = out[0];
  if (first?.type === 'text') out[0] = { ...first, text: (first.text ?? '').replace(/^ +/, '') };
  const last = out.at(-1);
  if (last?.type === 'text') out[out.length - 1] = { ...last, text: (last.text ?? '').replace(/ +$/, '') };
  return out.filter((n) => n.type !== 'text' || n.text !== '');
}

/** Neighbouring text nodes with the same marks are one node in ADF. */
export function merge(nodes: AdfNode[]): AdfNode[] {
  const out: AdfNode[] = [];
  for (const node of nodes) {
    const last = out.at(-1);
    if (node.type === 'text' && last?.type === 'text' && JSON.stringify(last.marks) === JSON.stringify(node.marks))
      out[out.length - 1] = { ...last, text: `${last.text ?? ''}${node.text ?? ''}` };
    else out.push(node);
  }
  return out;
}

/** Storage XHTML as a DOM whose nodes know where their source starts and ends (to keep it verbatim). */
export function parseStorage(xhtml: string): Document {
  return parseDocument(xhtml, {
    recognizeSelfClosing: true,
    recognizeCDATA: true,
    decodeEntities: true,
    withStartIndices: true,
    withEndIndices: true,
  });
}
