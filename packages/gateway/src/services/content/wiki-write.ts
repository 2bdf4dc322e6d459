import { AppError } from '../../errors/app-error.js';
import { type AdfNode, RAW_STORAGE, RAW_STORAGE_INLINE, RAW_WIKI } from './adf-node.js';
import { type EscapeLevel, writeInline } from './wiki-inline.js';

/**
 * ADF blocks → Jira wiki markup (Data Center). The wiki reader (wiki-read.ts) reads this back into the same
 * nodes; the public entry point (wiki.ts) picks, per block, the least escaped spelling that does. What wiki
 * markup cannot hold is written as its nearest form (docs/content-formats.md, "What is lossy").
 */

/** ADF panel type → wiki macro; the reader maps them back (success ↔ tip, custom ↔ panel, error → warning). */
export const PANEL_MACROS: Record<string, string> = {
  info: 'info',
  note: 'note',
  warning: 'warning',
  success: 'tip',
  error: 'warning',
  custom: 'panel',
};

function refuseStorage(node: AdfNode): void {
  if (node.type === RAW_STORAGE || node.type === RAW_STORAGE_INLINE || node.attrs?.xStorage !== undefined) {
    throw new AppError('VALIDATION', 'This Markdown carries Confluence storage (x-storage) that Jira cannot hold.');
  }
}

/** A line of text that would start a block (a list, a table, a rule): its first character escaped. */
function escapeLineStarts(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/^([*#-]+ |-{4}|\|)/, (m) => `\\${m}`))
    .join('\n');
}

function paragraphText(node: AdfNode | undefined, level: EscapeLevel, table = false): string {
  return node === undefined ? '' : writeInline(node.content ?? [], level, table);
}

/** A list item's own line(s): its first paragraph; other non-list blocks go on continuation lines. */
function itemText(item: AdfNode, level: EscapeLevel): { text: string; nested: AdfNode[] } {
  const lines: string[] = [];
  const nested: AdfNode[] = [];
  for (const child of item.content ?? []) {
    if (child.type === 'bulletList' || child.type === 'orderedList' || child.type === 'taskList') nested.push(child);
    else if (child.type === 'paragraph') lines.push(paragraphText(child, level));
    else lines.push(writeWikiBlock(child, level));
  }
  return { text: lines.join('\n'), nested };
}

function list(node: AdfNode, prefix: string, level: EscapeLevel): string[] {
  const dash = prefix === '' && node.type === 'bulletList' && node.attrs?.xWiki === '-';
  const marker = dash ? '-' : prefix + (node.type === 'orderedList' ? '#' : '*');
  const out: string[] = [];
  for (const item of node.content ?? []) {
    if (item.type === 'taskItem') {
      // Wiki markup has no task lists: a task is a bullet with its box as text.
      const box = item.attrs?.state === 'DONE' ? '[x]' : '[ ]';
      out.push(`${marker} ${box} ${writeInline(item.content ?? [], level)}`.trimEnd());
      continue;
    }
    const { text, nested } = itemText(item, level);
    out.push(`${marker} ${text}`);
    for (const inner of nested) out.push(...list(inner, marker, level));
  }
  return out;
}

function table(node: AdfNode, level: EscapeLevel): string {
  // The spellings the wiki reader kept (wiki-table.ts): padded cells, a table without a header row.
  const flags = String(node.attrs?.xWiki ?? '').split(' ');
  const pad = flags.includes('padded') ? ' ' : '';
  return (node.content ?? [])
    .map((row, r) => {
      const cells = (row.content ?? []).map((cell) => {
        const header = cell.type === 'tableHeader' && !(r === 0 && flags.includes('noheader'));
        const delim = header ? '||' : '|';
        const text = (cell.content ?? [])
          .map((b) => (b.type === 'paragraph' ? paragraphText(b, level, true) : writeWikiBlock(b, level)))
          .join('\n');
        return { delim, text };
      });
      const last = cells.at(-1)?.delim ?? '|';
      return `${cells.map((c) => `${c.delim}${pad}${c.text}${pad}`).join('')}${last}`;
    })
    .join('\n');
}

function blockquote(node: AdfNode, level: EscapeLevel): string {
  const content = node.content ?? [];
  const only = content[0];
  // `bq. text` (one line) is read with `xWiki: "bq"`; any other quote is a `{quote}` macro.
  const oneLine =
    node.attrs?.xWiki === 'bq' &&
    content.length === 1 &&
    only?.type === 'paragraph' &&
    !(only.content ?? []).some((n) => n.type === 'hardBreak');
  if (oneLine) return `bq. ${paragraphText(only, level)}`;
  return `{quote}\n${writeWikiBlocks(content, level)}\n{quote}`;
}

/** One block as wiki markup. */
export function writeWikiBlock(node: AdfNode, level: EscapeLevel): string {
  refuseStorage(node);
  const content = node.content ?? [];
  switch (node.type) {
    case RAW_WIKI:
      return String(node.attrs?.wiki ?? '');
    case 'paragraph':
      return level === 0 ? paragraphText(node, level) : escapeLineStarts(paragraphText(node, level));
    case 'heading': {
      const n = Math.min(6, Math.max(1, Number(node.attrs?.level) || 1));
      return `h${n}. ${paragraphText(node, level)}`;
    }
    case 'rule':
      return '----';
    case 'codeBlock': {
      const language = node.attrs?.language;
      const text = content.map((t) => t.text ?? '').join('');
      const body = text === '' ? '' : `${text}\n`;
      if (language === 'noformat') return `{noformat}\n${body}{noformat}`;
      return `${typeof language === 'string' && language !== '' ? `{code:${language}}` : '{code}'}\n${body}{code}`;
    }
    case 'blockquote':
      return blockquote(node, level);
    case 'panel': {
      const macro = PANEL_MACROS[String(node.attrs?.panelType)] ?? 'panel';
      const params = typeof node.attrs?.xWiki === 'string' ? `:${node.attrs.xWiki}` : '';
      return `{${macro}${params}}\n${writeWikiBlocks(content, level)}\n{${macro}}`;
    }
    case 'bulletList':
    case 'orderedList':
    case 'taskList':
      return list(node, '', level).join('\n');
    case 'table':
      return table(node, level);
    case 'mediaSingle': {
      const url = content[0]?.attrs?.url;
      return typeof url === 'string' ? `!${url}!` : '';
    }
    default:
      // No wiki form (expand, decision list, block card, …): its content, as blocks or as a line of text.
      if (content.some((c) => c.type === 'text' || c.marks !== undefined)) return writeInline(content, level);
      return writeWikiBlocks(content, level);
  }
}

export function writeWikiBlocks(nodes: readonly AdfNode[], level: EscapeLevel): string {
  return nodes
    .map((n) => writeWikiBlock(n, level))
    .filter((w) => w !== '')
    .join('\n\n');
}

/** Refuses (VALIDATION) nodes holding what the storage converter kept verbatim: Jira cannot hold it. */
export function checkNoStorage(nodes: readonly AdfNode[]): void {
  for (const n of nodes) {
    refuseStorage(n);
    checkNoStorage(n.content ?? []);
  }
}
