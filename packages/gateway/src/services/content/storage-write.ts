import { type AdfMark, type AdfNode, RAW_STORAGE, RAW_STORAGE_INLINE, sameJson } from './adf-node.js';

/**
 * ADF nodes → Confluence storage format. Kept storage (`x-storage`) is written back verbatim; ADF nodes with no
 * storage form are written as their text (see docs/content-formats.md, "What is lossy").
 */

const PANEL_MACROS: Record<string, string> = {
  info: 'info',
  note: 'note',
  warning: 'warning',
  success: 'tip',
  // Storage has no red panel of its own; the warning macro is the nearest.
  error: 'warning',
};

const STATUS_COLOURS: Record<string, string> = {
  neutral: 'Grey',
  purple: 'Purple',
  blue: 'Blue',
  red: 'Red',
  yellow: 'Yellow',
  green: 'Green',
};

export function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function xmlAttr(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;');
}

function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** What the storage reader kept of an element's own attributes (`xStorage`, see storage-read.ts). */
function storageAttrs(attrs: Record<string, unknown>): Record<string, unknown> {
  const kept = attrs.xStorage;
  return typeof kept === 'object' && kept !== null ? (kept as Record<string, unknown>) : {};
}

function attributes(attribs: unknown): string {
  if (typeof attribs !== 'object' || attribs === null) return '';
  return Object.entries(attribs)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');
}

function macro(name: string, params: Record<string, string>, body: string): string {
  const p = Object.entries(params)
    .map(([k, v]) => `<ac:parameter ac:name="${xmlAttr(k)}">${xmlText(v)}</ac:parameter>`)
    .join('');
  return `<ac:structured-macro ac:name="${name}" ac:schema-version="1">${p}${body}</ac:structured-macro>`;
}

function openTag(mark: AdfMark): string {
  switch (mark.type) {
    case 'strong':
      return '<strong>';
    case 'em':
      return '<em>';
    case 'strike':
      return '<s>';
    case 'underline':
      return '<u>';
    case 'code':
      return '<code>';
    case 'subsup':
      return mark.attrs?.type === 'sub' ? '<sub>' : '<sup>';
    case 'link': {
      const title = mark.attrs?.title;
      const t = typeof title === 'string' ? ` title="${xmlAttr(title)}"` : '';
      return `<a href="${xmlAttr(String(mark.attrs?.href ?? ''))}"${t}>`;
    }
    default:
      // Colours, alignment and the like have no plain storage element: the text is kept, the style is not.
      return '';
  }
}

function closeTag(mark: AdfMark): string {
  const open = openTag(mark);
  return open === '' ? '' : `</${/^<(\w+)/.exec(open)?.[1] ?? ''}>`;
}

/** The readable text of any node, for ADF constructs storage cannot express. */
function textOf(node: AdfNode): string {
  if (node.text !== undefined) return node.text;
  const attrs = node.attrs ?? {};
  const own = attrs.text ?? attrs.shortName ?? attrs.url ?? attrs.title;
  if (typeof own === 'string') return own;
  return (node.content ?? []).map(textOf).join(' ');
}

class StorageWriter {
  private taskIds = 0;

  inline(nodes: readonly AdfNode[]): string {
    let out = '';
    const open: AdfMark[] = [];
    const closeTo = (depth: number) => {
      while (open.length > depth) out += closeTag(open.pop() as AdfMark);
    };
    for (const node of nodes) {
      if (node.type !== 'text') {
        closeTo(0);
        out += this.atom(node);
        continue;
      }
      const marks = node.marks ?? [];
      let common = 0;
      while (common < open.length && common < marks.length && sameJson(open[common], marks[common])) common++;
      closeTo(common);
      for (const mark of marks.slice(common)) {
        out += openTag(mark);
        open.push(mark);
      }
      out += xmlText(node.text ?? '');
    }
    closeTo(0);
    return out;
  }

  private atom(node: AdfNode): string {
    const attrs = node.attrs ?? {};
    switch (node.type) {
      case 'hardBreak':
        return '<br />';
      case 'mention':
        return `<ac:link><ri:user ri:account-id="${xmlAttr(String(attrs.id ?? ''))}" /></ac:link>`;
      case 'emoji':
        return `<ac:emoticon ac:name="${xmlAttr(String(attrs.shortName ?? '').replace(/^:|:$/g, ''))}" />`;
      case 'inlineCard':
        return `<a href="${xmlAttr(String(attrs.url ?? ''))}">${xmlText(String(attrs.url ?? ''))}</a>`;
      case 'status':
        return macro(
          'status',
          { colour: STATUS_COLOURS[String(attrs.color)] ?? 'Grey', title: String(attrs.text ?? '') },
          '',
        );
      case 'date': {
        const day = new Date(Number(attrs.timestamp));
        return Number.isNaN(day.getTime()) ? '' : `<time datetime="${day.toISOString().slice(0, 10)}" />`;
      }
      case RAW_STORAGE:
      case RAW_STORAGE_INLINE:
        return String(attrs.xml ?? '');
      default:
        return xmlText(textOf(node));
    }
  }

  blocks(nodes: readonly AdfNode[]): string {
    return nodes.map((n) => this.block(n)).join('');
  }

  private block(node: AdfNode): string {
    const attrs = node.attrs ?? {};
    const content = node.content ?? [];
    switch (node.type) {
      case 'paragraph':
        return `<p>${this.inline(content)}</p>`;
      case 'heading': {
        const level = Math.min(6, Math.max(1, Number(attrs.level) || 1));
        return `<h${level}>${this.inline(content)}</h${level}>`;
      }
      case 'bulletList':
        return `<ul>${content.map((li) => `<li>${this.blocks(li.content ?? [])}</li>`).join('')}</ul>`;
      case 'orderedList': {
        const start = Number(attrs.order ?? 1);
        const s = Number.isInteger(start) && start !== 1 ? ` start="${start}"` : '';
        return `<ol${s}>${content.map((li) => `<li>${this.blocks(li.content ?? [])}</li>`).join('')}</ol>`;
      }
      case 'blockquote':
        return `<blockquote>${this.blocks(content)}</blockquote>`;
      case 'rule':
        return '<hr />';
      case 'codeBlock': {
        const language = attrs.language;
        const text = content.map((t) => t.text ?? '').join('');
        const params = typeof language === 'string' && language !== '' ? { language } : {};
        return macro('code', params, `<ac:plain-text-body>${cdata(text)}</ac:plain-text-body>`);
      }
      case 'panel': {
        const name = PANEL_MACROS[String(attrs.panelType)] ?? 'info';
        return macro(name, {}, `<ac:rich-text-body>${this.blocks(content)}</ac:rich-text-body>`);
      }
      case 'expand':
      case 'nestedExpand': {
        const title = typeof attrs.title === 'string' && attrs.title !== '' ? { title: attrs.title } : {};
        return macro('expand', title, `<ac:rich-text-body>${this.blocks(content)}</ac:rich-text-body>`);
      }
      case 'taskList':
        return `<ac:task-list>${content.map((t) => this.task(t)).join('')}</ac:task-list>`;
      case 'table': {
        const kept = storageAttrs(attrs);
        const colgroup = typeof kept.colgroup === 'string' ? kept.colgroup : '';
        return `<table${attributes(kept.attribs)}>${colgroup}<tbody>${content.map((row) => this.row(row)).join('')}</tbody></table>`;
      }
      case 'mediaSingle':
      case 'mediaGroup':
        return content.map((m) => this.media(m)).join('');
      case RAW_STORAGE:
      case RAW_STORAGE_INLINE:
        return String(attrs.xml ?? '');
      default:
        return `<p>${xmlText(textOf(node))}</p>`;
    }
  }

  private task(node: AdfNode): string {
    if (node.type !== 'taskItem') return this.block(node);
    const given = node.attrs?.localId;
    this.taskIds += 1;
    const id = typeof given === 'string' && given !== '' ? given : String(this.taskIds);
    const status = node.attrs?.state === 'DONE' ? 'complete' : 'incomplete';
    return `<ac:task><ac:task-id>${xmlText(id)}</ac:task-id><ac:task-status>${status}</ac:task-status><ac:task-body>${this.inline(node.content ?? [])}</ac:task-body></ac:task>`;
  }

  private row(row: AdfNode): string {
    const cells = (row.content ?? []).map((cell) => {
      const tag = cell.type === 'tableHeader' ? 'th' : 'td';
      const span = ['colspan', 'rowspan']
        .filter((k) => typeof cell.attrs?.[k] === 'number')
        .map((k) => ` ${k}="${String(cell.attrs?.[k])}"`)
        .join('');
      const kept = attributes(storageAttrs(cell.attrs ?? {}).attribs);
      return `<${tag}${span}${kept}>${this.blocks(cell.content ?? [])}</${tag}>`;
    });
    return `<tr>${cells.join('')}</tr>`;
  }

  private media(node: AdfNode): string {
    const url = node.attrs?.url;
    const alt = node.attrs?.alt;
    if (node.attrs?.type !== 'external' || typeof url !== 'string') return `<p>${xmlText(textOf(node))}</p>`;
    const a = typeof alt === 'string' ? ` ac:alt="${xmlAttr(alt)}"` : '';
    return `<ac:image${a}><ri:url ri:value="${xmlAttr(url)}" /></ac:image>`;
  }
}

export function adfNodesToStorage(nodes: readonly AdfNode[]): string {
  return new StorageWriter().blocks(nodes);
}
