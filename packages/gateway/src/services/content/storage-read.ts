import { DomUtils } from 'htmlparser2';
import { type AdfMark, type AdfNode, RAW_STORAGE, RAW_STORAGE_INLINE } from './adf-node.js';
import {
  type Child,
  type Element,
  elements,
  INLINE_MARKS,
  isBlock,
  isCharacters,
  isTag,
  merge,
  paragraph,
  parameters,
  parseStorage,
  trimEdges,
} from './storage-dom.js';

/**
 * Confluence storage format (XHTML with `ac:`/`ri:` elements) → ADF nodes, the common ground with Markdown.
 * What has an ADF equivalent is mapped (see docs/content-formats.md); anything else — unknown macros, page
 * links, images, macros with parameters ADF cannot hold — becomes an `x-storage` node carrying its exact source,
 * which the storage writer puts back verbatim.
 */

/** The attributes a mapped element may carry; with any other, it is kept verbatim. */
const ALLOWED_ATTRIBUTES: Record<string, string[]> = {
  ol: ['start'],
  'ac:structured-macro': ['ac:name', 'ac:schema-version', 'ac:macro-id'],
};

const PANELS: Record<string, string> = { info: 'info', note: 'note', warning: 'warning', tip: 'success' };

class StorageReader {
  constructor(private readonly source: string) {}

  private xml(node: Child): string {
    return this.source.slice(node.startIndex ?? 0, (node.endIndex ?? -1) + 1);
  }

  private raw(node: Child, inline: boolean): AdfNode {
    return { type: inline ? RAW_STORAGE_INLINE : RAW_STORAGE, attrs: { xml: this.xml(node) } };
  }

  /** Block content; runs of inline content (as in `<li>text</li>`) become paragraphs. */
  blocks(children: readonly Child[]): AdfNode[] {
    const out: AdfNode[] = [];
    let run: Child[] = [];
    const flush = () => {
      const content = trimEdges(this.inline(run, []));
      if (content.length > 0) out.push(paragraph(content));
      run = [];
    };
    for (const child of children) {
      if (isBlock(child)) {
        flush();
        out.push(this.block(child as Element));
      } else if (!(isCharacters(child) && DomUtils.textContent(child).trim() === '' && run.length === 0))
        run.push(child);
    }
    flush();
    return out;
  }

  private block(el: Element): AdfNode {
    // An attribute the mapping would not carry (a style, an id, a class) keeps the element verbatim.
    // (A table's own attributes are kept another way: see table().)
    const allowed = ALLOWED_ATTRIBUTES[el.name] ?? [];
    if (el.name !== 'table' && Object.keys(el.attribs).some((a) => !allowed.includes(a))) return this.raw(el, false);
    const heading = /^h([1-6])$/.exec(el.name);
    if (heading !== null) {
      return {
        type: 'heading',
        attrs: { level: Number(heading[1]) },
        content: trimEdges(this.inline(el.children, [])),
      };
    }
    switch (el.name) {
      case 'p':
        return paragraph(this.inline(el.children, []));
      case 'ul':
      case 'ol': {
        if (elements(el).some((li) => li.name !== 'li' || Object.keys(li.attribs).length > 0))
          return this.raw(el, false);
        const items = elements(el, 'li').map((li) => ({ type: 'listItem', content: this.blocksOrEmpty(li.children) }));
        if (el.name === 'ul') return { type: 'bulletList', content: items };
        return { type: 'orderedList', attrs: { order: Number(el.attribs.start ?? 1) || 1 }, content: items };
      }
      case 'blockquote':
        return { type: 'blockquote', content: this.blocks(el.children) };
      case 'hr':
        return { type: 'rule' };
      case 'pre': {
        const text = DomUtils.textContent(el);
        return text === '' ? { type: 'codeBlock' } : { type: 'codeBlock', content: [{ type: 'text', text }] };
      }
      case 'table':
        return this.table(el) ?? this.raw(el, false);
      case 'ac:task-list':
        return this.tasks(el) ?? this.raw(el, false);
      case 'ac:structured-macro':
        return this.macro(el) ?? this.raw(el, false);
      default:
        return this.raw(el, false);
    }
  }

  private blocksOrEmpty(children: readonly Child[]): AdfNode[] {
    const blocks = this.blocks(children);
    return blocks.length > 0 ? blocks : [paragraph([])];
  }

  private macro(el: Element): AdfNode | null {
    const name = el.attribs['ac:name'] ?? '';
    const params = parameters(el);
    const known = elements(el).every((c) =>
      ['ac:parameter', 'ac:plain-text-body', 'ac:rich-text-body'].includes(c.name),
    );
    if (!known) return null;
    if (name === 'code' && [...params.keys()].every((k) => k === 'language')) {
      const node: AdfNode = { type: 'codeBlock' };
      const language = params.get('language');
      if (language !== undefined && language !== '') node.attrs = { language };
      const body = elements(el, 'ac:plain-text-body')[0];
      const text = body === undefined ? '' : DomUtils.textContent(body);
      if (text !== '') node.content = [{ type: 'text', text }];
      return node;
    }
    const panelType = PANELS[name];
    const body = elements(el, 'ac:rich-text-body')[0];
    if (panelType !== undefined && params.size === 0 && body !== undefined) {
      return { type: 'panel', attrs: { panelType }, content: this.blocksOrEmpty(body.children) };
    }
    return null;
  }

  /**
   * A table keeps its own attributes and column widths (Confluence's layout) under `xStorage`, and so does a
   * cell for attributes other than its spans: in Markdown they show as an attrs comment, or escape the table.
   */
  private table(el: Element): AdfNode | null {
    const parts = elements(el);
    if (parts.some((c) => !['tbody', 'colgroup'].includes(c.name))) return null;
    const rows = parts.filter((c) => c.name === 'tbody').flatMap((s) => elements(s));
    if (rows.some((tr) => tr.name !== 'tr' || Object.keys(tr.attribs).length > 0)) return null;
    const attrs: Record<string, unknown> = { isNumberColumnEnabled: false, layout: 'default' };
    const colgroup = parts.find((c) => c.name === 'colgroup');
    if (Object.keys(el.attribs).length > 0 || colgroup !== undefined) {
      attrs.xStorage = { attribs: { ...el.attribs }, colgroup: colgroup === undefined ? '' : this.xml(colgroup) };
    }
    return {
      type: 'table',
      attrs,
      content: rows.map((tr) => ({
        type: 'tableRow',
        content: elements(tr).map((cell) => {
          const { colspan, rowspan, ...rest } = cell.attribs;
          const attrs: Record<string, unknown> = {};
          if (colspan !== undefined) attrs.colspan = Number(colspan);
          if (rowspan !== undefined) attrs.rowspan = Number(rowspan);
          if (Object.keys(rest).length > 0) attrs.xStorage = { attribs: rest };
          const type = cell.name === 'th' ? 'tableHeader' : 'tableCell';
          return { type, attrs, content: this.blocksOrEmpty(cell.children) };
        }),
      })),
    };
  }

  private tasks(el: Element): AdfNode | null {
    const items: AdfNode[] = [];
    for (const task of elements(el)) {
      const body = elements(task, 'ac:task-body')[0];
      if (task.name !== 'ac:task' || body === undefined || body.children.some(isBlock)) return null;
      const id = elements(task, 'ac:task-id')[0];
      const status = elements(task, 'ac:task-status')[0];
      const state = status !== undefined && DomUtils.textContent(status).trim() === 'complete' ? 'DONE' : 'TODO';
      const localId = id === undefined ? '' : DomUtils.textContent(id).trim();
      items.push({ type: 'taskItem', attrs: { localId, state }, content: trimEdges(this.inline(body.children, [])) });
    }
    return { type: 'taskList', attrs: { localId: '' }, content: items };
  }

  inline(children: readonly Child[], marks: AdfMark[]): AdfNode[] {
    const out: AdfNode[] = [];
    for (const child of children) {
      if (isCharacters(child)) {
        const text = DomUtils.textContent(child).replace(/[ \t\r\n]+/g, ' ');
        if (text !== '') out.push(marks.length > 0 ? { type: 'text', text, marks } : { type: 'text', text });
        continue;
      }
      if (!isTag(child)) {
        out.push(this.raw(child, true));
        continue;
      }
      const mark = this.mark(child);
      if (mark !== null) {
        out.push(...this.inline(child.children, [...marks, mark]));
        continue;
      }
      out.push(this.atom(child, marks));
    }
    return merge(out);
  }

  private mark(el: Element): AdfMark | null {
    const simple = INLINE_MARKS[el.name];
    if (simple !== undefined && Object.keys(el.attribs).length === 0) return { type: simple };
    if ((el.name === 'sub' || el.name === 'sup') && Object.keys(el.attribs).length === 0)
      return { type: 'subsup', attrs: { type: el.name } };
    if (
      el.name === 'a' &&
      el.attribs.href !== undefined &&
      Object.keys(el.attribs).every((k) => k === 'href' || k === 'title')
    ) {
      const attrs: Record<string, unknown> = { href: el.attribs.href };
      if (el.attribs.title !== undefined) attrs.title = el.attribs.title;
      return { type: 'link', attrs };
    }
    return null;
  }

  private atom(el: Element, marks: AdfMark[]): AdfNode {
    if (el.name === 'br') return { type: 'hardBreak' };
    if (el.name === 'ac:link' && marks.length === 0) {
      const [user, ...rest] = elements(el);
      const id = user?.attribs['ri:account-id'];
      if (user?.name === 'ri:user' && rest.length === 0 && id !== undefined && Object.keys(user.attribs).length === 1)
        return { type: 'mention', attrs: { id } };
    }
    const names = Object.keys(el.attribs);
    if (el.name === 'ac:emoticon' && marks.length === 0 && names.length === 1 && names[0] === 'ac:name')
      return { type: 'emoji', attrs: { shortName: `:${el.attribs['ac:name']}:` } };
    return this.raw(el, true);
  }
}

export function storageToAdfNodes(xhtml: string): AdfNode[] {
  return new StorageReader(xhtml).blocks(parseStorage(xhtml).children);
}
