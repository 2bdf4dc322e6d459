import { type AdfMark, type AdfNode, escapeNode, sameJson } from './adf-node.js';

/**
 * ADF inline nodes → Markdown. Marks are opened and closed like a stack across neighbouring text nodes, so
 * `**a *b***` reads back as the same two nodes; text, mention, emoji and inline card have Markdown forms, every
 * other inline node (status, date, …) and any mark Markdown lacks (underline, colour, …) is written as the exact
 * `<!--adf:{…}-->` escape. The block writer checks the result by reading it back (md-write.ts).
 */

export interface InlineContext {
  /** Inside a GFM table cell: `|` must be escaped and a line break cannot be written as one. */
  table: boolean;
  /** `*` reads best, but next to `**` it can nest the other way round; the block writer then tries `_`. */
  em?: '*' | '_';
  /**
   * Escape marked text that starts or ends with white space (`** bold**` is not bold in Markdown). The block
   * writer asks for it when the plain attempt did not read back.
   */
  strict?: boolean;
}

const MARKDOWN_MARKS = new Set(['strong', 'em', 'strike', 'link', 'code']);

function escapeText(text: string, ctx: InlineContext): string {
  let out = text
    .replace(/[\\`*_[\]<~]/g, '\\$&')
    .replace(/&(?=#?\w+;)/g, '\\&')
    .replace(/(?<![\w:]):([a-z][a-z0-9_+-]*):(?![\w:])/gi, '\\:$1:');
  if (ctx.table) out = out.replace(/\|/g, '\\|');
  return out;
}

/**
 * What would start a block construct at the beginning of a line of paragraph text; and white space at either end
 * of a line, which Markdown trims, as character references.
 */
function escapeLineStarts(markdown: string): string {
  const space = (s: string) => s.replace(/ /g, '&#32;').replace(/\t/g, '&#9;');
  return markdown
    .split('\n')
    .map((line) =>
      line
        .replace(/^[ \t]+/, space)
        .replace(/[ \t]+$/, space)
        .replace(/^(#{1,6})(?=\s|$)/, '\\$1')
        .replace(/^>/, '\\>')
        .replace(/^([-+=])(?=\s|$|\1+\s*$)/, '\\$1')
        .replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2'),
    )
    .join('\n');
}

function codeSpan(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || /^ .* $/.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function linkTitle(title: string): string {
  return ` '${title.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function openMark(mark: AdfMark, ctx: InlineContext): string {
  switch (mark.type) {
    case 'strong':
      return '**';
    case 'em':
      return ctx.em ?? '*';
    case 'strike':
      return '~~';
    default:
      return '[';
  }
}

function closeMark(mark: AdfMark, ctx: InlineContext): string {
  if (mark.type !== 'link') return openMark(mark, ctx);
  const href = String(mark.attrs?.href ?? '');
  const title = mark.attrs?.title;
  return `](${href}${typeof title === 'string' ? linkTitle(title) : ''})`;
}

/** Whether a text node's marks have a Markdown form: known marks, simple links, code innermost. */
function writableMarks(marks: AdfMark[]): boolean {
  return marks.every((m, i) => {
    if (!MARKDOWN_MARKS.has(m.type)) return false;
    if (m.type === 'code') return i === marks.length - 1 && marks.every((o) => o.type === 'code' || o.type === 'link');
    if (m.type === 'link') return Object.keys(m.attrs ?? {}).every((k) => k === 'href' || k === 'title');
    return m.attrs === undefined;
  });
}

function mention(node: AdfNode): string | null {
  const { id, text, ...extra } = node.attrs ?? {};
  if (typeof id !== 'string' || !/^[\w:.-]+$/.test(id) || node.marks !== undefined) return null;
  if (text !== undefined && (typeof text !== 'string' || !text.startsWith('@'))) return null;
  const name = typeof text === 'string' ? text.slice(1) : '';
  const title = Object.keys(extra).length > 0 ? linkTitle(JSON.stringify(extra)) : '';
  return `@[${escapeText(name, { table: false }).replace(/\|/g, '\\|')}](accountid:${id}${title})`;
}

function atom(node: AdfNode, ctx: InlineContext): string {
  const attrs = node.attrs ?? {};
  const keys = Object.keys(attrs);
  switch (node.type) {
    case 'hardBreak':
      if (!ctx.table && node.attrs === undefined) return '\n';
      break;
    case 'mention':
      return mention(node) ?? escapeNode(node);
    case 'emoji':
      if (keys.length === 1 && /^:[a-z][a-z0-9_+-]*:$/i.test(String(attrs.shortName))) return String(attrs.shortName);
      break;
    case 'inlineCard':
      if (keys.length === 1 && /^[a-z][a-z0-9+.-]*:[^\s<>]*$/i.test(String(attrs.url))) return `<${String(attrs.url)}>`;
      break;
  }
  return escapeNode(node);
}

export function writeInline(nodes: readonly AdfNode[], ctx: InlineContext): string {
  let out = '';
  const open: AdfMark[] = [];
  const closeTo = (depth: number) => {
    while (open.length > depth) out += closeMark(open.pop() as AdfMark, ctx);
  };
  for (const node of nodes) {
    const marks = node.marks ?? [];
    const edgeSpace = /^\s|\s$/.test(node.text ?? '') && marks.some((m) => m.type !== 'code' && m.type !== 'link');
    if (
      node.type !== 'text' ||
      !writableMarks(marks) ||
      node.text === undefined ||
      node.text === '' ||
      (ctx.strict === true && edgeSpace)
    ) {
      // A line break inside open marks would leave the closing delimiter at a line start, where it cannot close.
      if (node.type === 'hardBreak') closeTo(0);
      out += atom(node, ctx);
      continue;
    }
    const code = marks.at(-1)?.type === 'code';
    const wanted = code ? marks.slice(0, -1) : marks;
    let common = 0;
    while (common < open.length && common < wanted.length && sameJson(open[common], wanted[common])) common++;
    closeTo(common);
    for (const mark of wanted.slice(common)) {
      out += openMark(mark, ctx);
      open.push(mark);
    }
    out += code ? codeSpan(node.text) : escapeText(node.text, ctx);
  }
  closeTo(0);
  return escapeLineStarts(out);
}
