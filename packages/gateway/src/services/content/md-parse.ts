import MarkdownIt, { type Token } from 'markdown-it';
import {
  type AdfDoc,
  type AdfNode,
  RAW_STORAGE_INLINE,
  RAW_WIKI_INLINE,
  unescapeAttrs,
  unescapeNode,
} from './adf-node.js';
import { ATTRS_MARKER, inlineToAdf } from './md-inline.js';

/**
 * Markdown (CommonMark + GFM tables, strikethrough and task lists) → ADF, on markdown-it's token stream.
 * Extensions to plain Markdown, all documented in docs/content-formats.md: `> [!INFO]` alerts are panels,
 * `- [ ]`/`- [x]` items task lists, `<!--adf:{…}-->` an exact ADF node, `<!--adf:attrs {…}-->` the attributes
 * of the next block, and `<!-- -->` a mere separator.
 */
const md = new MarkdownIt('default', { html: true, linkify: false, typographer: false });
// Keep backslash-escaped characters as their own tokens, so `\:smile:` stays text instead of becoming an emoji.
md.core.ruler.disable('text_join');

const PANEL_TYPES: Record<string, string> = {
  INFO: 'info',
  NOTE: 'note',
  WARNING: 'warning',
  SUCCESS: 'success',
  ERROR: 'error',
  // GitHub's own alert names, read as the nearest panel.
  TIP: 'success',
  IMPORTANT: 'note',
  CAUTION: 'error',
};

const INLINE_TYPES = new Set([
  'text',
  'hardBreak',
  'mention',
  'emoji',
  'status',
  'date',
  'inlineCard',
  'mediaInline',
  'placeholder',
  'inlineExtension',
  RAW_STORAGE_INLINE,
  RAW_WIKI_INLINE,
]);

const TASK = /^\[([ xX])\](?: |$)/;

function paragraph(content: AdfNode[]): AdfNode {
  return { type: 'paragraph', content };
}

/** A paragraph that is only an image is a media node; anywhere else an image is a link (see md-inline). */
function imageBlock(inline: Token | undefined): AdfNode | null {
  const children = (inline?.children ?? []).filter((t) => !(t.type === 'text' && t.content.trim() === ''));
  const image = children[0];
  if (children.length !== 1 || image?.type !== 'image') return null;
  const attrs: Record<string, unknown> = { type: 'external', url: String(image.attrGet('src') ?? '') };
  if (image.content !== '') attrs.alt = image.content;
  return { type: 'mediaSingle', attrs: { layout: 'center' }, content: [{ type: 'media', attrs }] };
}

/** A blockquote opening with `[!TYPE]` on its own line is a panel. */
function panel(children: AdfNode[]): AdfNode | null {
  const first = children[0];
  const lead = first?.type === 'paragraph' ? first.content?.[0] : undefined;
  const match = lead?.type === 'text' && lead.marks === undefined ? /^\[!(\w+)\]$/.exec(lead.text ?? '') : null;
  const panelType = match === null ? undefined : PANEL_TYPES[(match[1] ?? '').toUpperCase()];
  if (first === undefined || panelType === undefined) return null;
  const rest = (first.content ?? []).slice(1);
  if (rest[0]?.type === 'hardBreak') rest.shift();
  const content = rest.length > 0 ? [{ ...first, content: rest }, ...children.slice(1)] : children.slice(1);
  return { type: 'panel', attrs: { panelType }, content };
}

/** A bullet list whose every item is one `[ ]`/`[x]` paragraph is a task list. */
function taskList(items: AdfNode[]): AdfNode | null {
  const tasks: AdfNode[] = [];
  for (const item of items) {
    const para = item.content?.[0];
    const lead = para?.content?.[0];
    const match = lead?.type === 'text' && lead.marks === undefined ? TASK.exec(lead.text ?? '') : null;
    if (item.content?.length !== 1 || para?.type !== 'paragraph' || match === null || lead === undefined) return null;
    const content = [...(para.content ?? [])];
    const text = (lead.text ?? '').slice(match[0].length);
    if (text === '') content.shift();
    else content[0] = { ...lead, text };
    // The item's own attributes, when written back from ADF, trail it: `- [ ] text <!--adf:attrs {…}-->`.
    // Without them, ids are left empty (the schema's default): Jira's editor assigns its own.
    let attrs: Record<string, unknown> = { localId: '' };
    const last = content.at(-1);
    if (last?.type === ATTRS_MARKER) {
      content.pop();
      attrs = { ...last.attrs };
      const before = content.at(-1);
      if (before?.type === 'text' && before.text?.endsWith(' ')) {
        before.text = before.text.slice(0, -1);
        if (before.text === '') content.pop();
      }
    }
    tasks.push({ type: 'taskItem', attrs: { ...attrs, state: match[1] === ' ' ? 'TODO' : 'DONE' }, content });
  }
  return { type: 'taskList', attrs: { localId: '' }, content: tasks };
}

class BlockReader {
  private i = 0;

  constructor(private readonly tokens: Token[]) {}

  private next(): Token | undefined {
    return this.tokens[this.i++];
  }

  /** Blocks up to the token `close` (consumed) or the end. */
  blocks(close: string | null): AdfNode[] {
    const out: AdfNode[] = [];
    let attrs: Record<string, unknown> | null | undefined;
    for (let t = this.next(); t !== undefined; t = this.next()) {
      if (t.type === close) break;
      if (t.type === 'html_block') {
        const given = unescapeAttrs(t.content);
        if (given !== undefined) {
          attrs = given;
          continue;
        }
        if (t.content.trim() === '<!-- -->') continue;
      }
      const node = this.block(t);
      if (node === null) continue;
      if (attrs === null) delete node.attrs;
      else if (attrs !== undefined) node.attrs = attrs;
      attrs = undefined;
      out.push(node);
    }
    return out;
  }

  private inlineOf(t: Token | undefined): AdfNode[] {
    return inlineToAdf(t?.children ?? null);
  }

  /** Lines of one paragraph that markdown-it split because a line starts with an escape comment. */
  private joinAdjacent(first: AdfNode[], end: number | undefined): AdfNode {
    const content = first;
    let line = end;
    for (let t = this.tokens[this.i]; t?.map !== undefined && t.map !== null && t.map[0] === line; ) {
      let part: AdfNode[];
      if (t.type === 'paragraph_open') {
        part = this.inlineOf(this.tokens[this.i + 1]);
        this.i += 3;
      } else if (t.type === 'html_block' && this.inlineHtml(t) !== null) {
        part = this.inlineHtml(t) ?? [];
        this.i += 1;
      } else break;
      content.push({ type: 'hardBreak' }, ...part);
      line = t.map[1];
      t = this.tokens[this.i];
    }
    return paragraph(content);
  }

  /** HTML at a line start that is really inline content (an inline escape, or literal HTML kept as text). */
  private inlineHtml(t: Token): AdfNode[] | null {
    const whole = unescapeNode(t.content);
    if (whole !== null && !INLINE_TYPES.has(whole.type)) return null;
    if (unescapeAttrs(t.content) !== undefined) return null;
    return inlineToAdf(md.parseInline(t.content.replace(/\n+$/, ''), {})[0]?.children ?? null);
  }

  private block(t: Token): AdfNode | null {
    switch (t.type) {
      case 'paragraph_open': {
        const inline = this.next();
        this.next();
        return imageBlock(inline) ?? this.joinAdjacent(this.inlineOf(inline), t.map?.[1]);
      }
      case 'heading_open': {
        const content = this.inlineOf(this.next());
        this.next();
        return { type: 'heading', attrs: { level: Number(t.tag.slice(1)) }, content };
      }
      case 'bullet_list_open': {
        const items = this.blocks('bullet_list_close');
        return taskList(items) ?? { type: 'bulletList', content: items };
      }
      case 'ordered_list_open':
        return {
          type: 'orderedList',
          attrs: { order: Number(t.attrGet('start') ?? 1) },
          content: this.blocks('ordered_list_close'),
        };
      case 'list_item_open': {
        const content = this.blocks('list_item_close');
        return { type: 'listItem', content: content.length > 0 ? content : [paragraph([])] };
      }
      case 'blockquote_open': {
        const content = this.blocks('blockquote_close');
        return panel(content) ?? { type: 'blockquote', content };
      }
      case 'fence':
      case 'code_block': {
        const node: AdfNode = { type: 'codeBlock' };
        const language = t.info.trim();
        if (language !== '') node.attrs = { language };
        const text = t.content.replace(/\n$/, '');
        if (text !== '') node.content = [{ type: 'text', text }];
        return node;
      }
      case 'hr':
        return { type: 'rule' };
      case 'html_block': {
        const node = unescapeNode(t.content);
        if (node !== null && !INLINE_TYPES.has(node.type)) return node;
        return this.joinAdjacent(this.inlineHtml(t) ?? [], t.map?.[1]);
      }
      case 'table_open':
        return this.table();
      default:
        return null;
    }
  }

  private table(): AdfNode {
    const rows: AdfNode[] = [];
    let cells: AdfNode[] = [];
    for (let t = this.next(); t !== undefined && t.type !== 'table_close'; t = this.next()) {
      if (t.type === 'tr_open') cells = [];
      else if (t.type === 'tr_close') rows.push({ type: 'tableRow', content: cells });
      else if (t.type === 'th_open' || t.type === 'td_open') {
        const content = this.inlineOf(this.next());
        this.next();
        cells.push({
          type: t.type === 'th_open' ? 'tableHeader' : 'tableCell',
          attrs: {},
          content: [paragraph(content)],
        });
      }
    }
    return { type: 'table', attrs: { isNumberColumnEnabled: false, layout: 'default' }, content: rows };
  }
}

/** Attribute comments that belonged to no task item are text, as written. */
function unmark(nodes: AdfNode[]): AdfNode[] {
  return nodes.map((node) => {
    if (node.type === ATTRS_MARKER) return { type: 'text', text: node.text ?? '' };
    return node.content === undefined ? node : { ...node, content: unmark(node.content) };
  });
}

export function markdownToAdf(markdown: string): AdfDoc {
  const tokens = md.parse(markdown.replace(/\r\n?/g, '\n'), {});
  return { type: 'doc', version: 1, content: unmark(new BlockReader(tokens).blocks(null)) };
}
