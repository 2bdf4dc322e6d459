import { type AdfNode, RAW_WIKI } from './adf-node.js';
import { readInline } from './wiki-inline.js';
import { readTable } from './wiki-table.js';

/**
 * Jira wiki markup (Data Center) → ADF blocks, the common ground with Markdown. Each block is read, then checked
 * by the caller's `check` (write it back: is it the source?). A block that fails is read again keeping its
 * backslash escapes as written, and if that fails too it becomes an `x-wiki` node carrying its exact source. So
 * wiki → Markdown → wiki gives back the source whatever it holds; blocks are joined by one blank line.
 */

/** Whether `node`, written back as wiki markup, is `source` (see wiki.ts). */
export type Check = (node: AdfNode, source: string) => boolean;

interface Read {
  node: AdfNode;
  /** The block's source as the writer would join it: containers with one blank line between their blocks. */
  source: string;
}

const HEADING = /^h([1-6])\. (.*)$/;
const LIST_LINE = /^([*#]+|-) (.*)$/;
const BLOCK_MACRO = /^\{(code|noformat|info|note|warning|tip|panel|quote)(?::([^}]*))?\}$/;
const PANELS: Record<string, string> = {
  info: 'info',
  note: 'note',
  warning: 'warning',
  tip: 'success',
  panel: 'custom',
};

const paragraph = (content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });

function startsBlock(line: string): boolean {
  return (
    HEADING.test(line) ||
    /^----$/.test(line) ||
    line.startsWith('bq. ') ||
    line.startsWith('|') ||
    LIST_LINE.test(line) ||
    BLOCK_MACRO.test(line)
  );
}

interface Entry {
  markers: string;
  text: string;
}

/** Nested list entries → a list at `depth` (1-based); returns null for a shape it cannot rebuild. */
function list(entries: Entry[], from: number, depth: number, keep: boolean): [AdfNode, number] | null {
  const kind = entries[from]?.markers[depth - 1];
  const items: AdfNode[] = [];
  let i = from;
  while (i < entries.length) {
    const e = entries[i] as Entry;
    if (e.markers.length < depth || (e.markers.length === depth && e.markers[depth - 1] !== kind)) break;
    if (e.markers.length === depth) {
      items.push({ type: 'listItem', content: [paragraph(readInline(e.text, keep))] });
      i++;
      continue;
    }
    const parent = items.at(-1);
    const nested = parent === undefined ? null : list(entries, i, depth + 1, keep);
    if (parent === undefined || nested === null) return null;
    parent.content?.push(nested[0]);
    i = nested[1];
  }
  const node: AdfNode =
    kind === '#'
      ? { type: 'orderedList', attrs: { order: 1 }, content: items }
      : { type: 'bulletList', content: items };
  // `- item` is a bullet list too; the attribute keeps its spelling.
  if (kind === '-') node.attrs = { xWiki: '-' };
  return [node, i];
}

class WikiReader {
  private i = 0;

  constructor(
    private readonly lines: string[],
    private readonly check: Check | undefined,
  ) {}

  /** The block starting at this line, tried plain then keeping escapes; else kept verbatim. */
  private settle(read: (keep: boolean) => Read | null, end: () => number, start: number): Read {
    const plain = read(false);
    if (this.check === undefined && plain !== null) return plain;
    if (plain !== null && this.check?.(plain.node, plain.source)) return plain;
    this.i = start;
    const kept = read(true);
    if (kept !== null && this.check?.(kept.node, kept.source)) return kept;
    this.i = end();
    const source = this.lines.slice(start, this.i).join('\n');
    return { node: { type: RAW_WIKI, attrs: { wiki: source } }, source };
  }

  blocks(): Read[] {
    const out: Read[] = [];
    while (this.i < this.lines.length) {
      const line = this.lines[this.i] ?? '';
      if (line.trim() === '') {
        this.i++;
        continue;
      }
      const start = this.i;
      let after = start + 1;
      const read = (keep: boolean): Read | null => {
        this.i = start;
        const r = this.block(line, keep);
        after = this.i;
        return r;
      };
      out.push(this.settle(read, () => Math.max(after, start + 1), start));
    }
    return out;
  }

  private lineAt(i: number): string {
    return this.lines[i] ?? '';
  }

  private block(line: string, keep: boolean): Read | null {
    const start = this.i;
    const heading = HEADING.exec(line);
    if (heading !== null) {
      this.i++;
      const node = {
        type: 'heading',
        attrs: { level: Number(heading[1]) },
        content: readInline(heading[2] ?? '', keep),
      };
      return { node, source: line };
    }
    if (line === '----') {
      this.i++;
      return { node: { type: 'rule' }, source: line };
    }
    if (line.startsWith('bq. ')) {
      this.i++;
      const content = [paragraph(readInline(line.slice(4), keep))];
      return { node: { type: 'blockquote', attrs: { xWiki: 'bq' }, content }, source: line };
    }
    const macro = BLOCK_MACRO.exec(line);
    const close = macro === null ? -1 : this.lines.indexOf(`{${macro[1]}}`, start + 1);
    if (macro !== null && close > start) return this.macro(macro[1] ?? '', macro[2], close);
    if (line.startsWith('|')) {
      while (this.i < this.lines.length && this.lineAt(this.i).startsWith('|')) this.i++;
      const rows = this.lines.slice(start, this.i);
      const node = readTable(rows, keep);
      return node === null ? null : { node, source: rows.join('\n') };
    }
    if (LIST_LINE.test(line)) return this.list(keep);
    const text: string[] = [line];
    for (this.i++; this.i < this.lines.length; this.i++) {
      const next = this.lineAt(this.i);
      if (next.trim() === '' || startsBlock(next)) break;
      text.push(next);
    }
    return { node: paragraph(readInline(text.join('\n'), keep)), source: text.join('\n') };
  }

  private list(keep: boolean): Read | null {
    const start = this.i;
    const entries: Entry[] = [];
    const kind = this.lineAt(start)[0];
    for (; this.i < this.lines.length; this.i++) {
      const next = this.lineAt(this.i);
      const m = LIST_LINE.exec(next);
      const last = entries.at(-1);
      if (m !== null && !(m[1]?.length === 1 && m[1] !== kind)) entries.push({ markers: m[1] ?? '', text: m[2] ?? '' });
      else if (m === null && last !== undefined && next.trim() !== '' && !startsBlock(next)) last.text += `\n${next}`;
      else break;
    }
    const built = list(entries, 0, 1, keep);
    if (built === null || built[1] !== entries.length) return null;
    return { node: built[0], source: this.lines.slice(start, this.i).join('\n') };
  }

  /** `{code}`, `{noformat}`, a panel or `{quote}` from this line to `close`. */
  private macro(name: string, params: string | undefined, close: number): Read | null {
    const start = this.i;
    this.i = close + 1;
    const body = this.lines.slice(start + 1, close);
    const source = this.lines.slice(start, close + 1).join('\n');
    if (name === 'code' || name === 'noformat') {
      if (name === 'noformat' && params !== undefined) return null;
      const node: AdfNode = { type: 'codeBlock' };
      const language = name === 'noformat' ? 'noformat' : params;
      if (language !== undefined) node.attrs = { language };
      if (body.length > 0) node.content = [{ type: 'text', text: body.join('\n') }];
      return { node, source };
    }
    if (name === 'quote' && params !== undefined) return null;
    // The blocks inside are read (and checked) on their own; the container is then checked whole.
    const inner = new WikiReader(body, this.check).blocks();
    const content = inner.map((r) => r.node);
    const joined = `${this.lines[start]}\n${inner.map((r) => r.source).join('\n\n')}\n{${name}}`;
    if (name === 'quote') return { node: { type: 'blockquote', content }, source: joined };
    // A panel's parameters (title, colours) have no Markdown form: the panel keeps them as `xWiki`.
    const attrs: Record<string, unknown> = { panelType: PANELS[name] };
    if (params !== undefined) attrs.xWiki = params;
    return { node: { type: 'panel', attrs, content }, source: joined };
  }
}

/**
 * Wiki markup → ADF blocks with their canonical source. Lines keep their trailing white space only inside code
 * blocks. Without `check`, every block is read plainly (the writer uses that to verify its own output).
 */
export function readWiki(wiki: string, check?: Check): Read[] {
  const lines = wiki.replace(/\r\n?/g, '\n').split('\n');
  const trimmed: string[] = [];
  let inCode: string | null = null;
  for (const line of lines) {
    const open: RegExpExecArray | null =
      inCode === null ? /^\{(code|noformat)(?::[^}]*)?\}\s*$/.exec(line.trimEnd()) : null;
    if (inCode !== null && line.trimEnd() === `{${inCode}}`) inCode = null;
    trimmed.push(inCode === null ? line.trimEnd() : line);
    if (open !== null) inCode = open[1] ?? null;
  }
  return new WikiReader(trimmed, check).blocks();
}
