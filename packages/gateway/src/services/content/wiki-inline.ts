import { type AdfMark, type AdfNode, RAW_WIKI_INLINE, sameJson } from './adf-node.js';

/**
 * Jira wiki markup inside one paragraph (or heading, list item, table cell) → ADF inline nodes, and back.
 * `*strong*`, `_em_`, `-strike-`, `+underline+`, `^sup^`, `~sub~` and `{{code}}` are marks, `[text|url]` a link,
 * `[url]` an inline card, `[~name]` a mention, a newline a hard break. What ADF has no form for — a `{macro}` tag
 * such as `{color:red}`, an image `!file.png!`, a page or attachment link, the forced break `\\` — is kept as an
 * `x-wiki-inline` node carrying its exact source. Mapping: docs/content-formats.md.
 */

/** Delimiter → mark. A mark opens after a non-alphanumeric character and closes before one. */
const MARKS: Record<string, AdfMark> = {
  '*': { type: 'strong' },
  _: { type: 'em' },
  '-': { type: 'strike' },
  '+': { type: 'underline' },
  '^': { type: 'subsup', attrs: { type: 'sup' } },
  '~': { type: 'subsup', attrs: { type: 'sub' } },
};

const SPECIAL = /[\\{[!*_\-+^~\n]/g;
const MACRO_TAG = /\{[a-zA-Z][\w-]*(?::[^}\n]*)?\}/y;
const IMAGE = /![^\s!][^!\n]*!/y;
const URL = /^(?:[a-z][a-z0-9+.-]*:\/\/|mailto:)\S*$/i;
const ALNUM = /[\p{L}\p{N}]/u;

export const raw = (wiki: string): AdfNode => ({ type: RAW_WIKI_INLINE, attrs: { wiki } });

/** For each index, the first index at or after it where `at(k)` holds (s.length if none): linear lookups. */
function nextWhere(s: string, at: (k: number) => boolean): Int32Array {
  const next = new Int32Array(s.length + 1);
  next[s.length] = s.length;
  for (let k = s.length - 1; k >= 0; k--) next[k] = at(k) ? k : (next[k + 1] ?? s.length);
  return next;
}

/**
 * Where things end in one string, computed once so that scanning a long line stays linear: the next newline,
 * `]`, `[`, `}}`, and for each mark delimiter the next place it may close (not after white space or a
 * backslash, not before a letter or digit).
 */
class Ends {
  readonly newline: Int32Array;
  readonly close: Int32Array;
  readonly open: Int32Array;
  readonly braces: Int32Array;
  private readonly closers = new Map<string, Int32Array>();

  constructor(private readonly s: string) {
    this.newline = nextWhere(s, (k) => s[k] === '\n');
    this.close = nextWhere(s, (k) => s[k] === ']');
    this.open = nextWhere(s, (k) => s[k] === '[');
    this.braces = nextWhere(s, (k) => s[k] === '}' && s[k + 1] === '}');
  }

  /** The delimiter closing a mark opened at `from` on the same line, or -1. */
  closing(from: number, delim: string): number {
    const s = this.s;
    const next = s[from + 1];
    if (next === undefined || /\s/.test(next) || next === delim) return -1;
    let table = this.closers.get(delim);
    if (table === undefined) {
      table = nextWhere(s, (j) => {
        const before = s[j - 1] ?? ' ';
        const after = s[j + 1];
        return s[j] === delim && before !== '\\' && !/\s/.test(before) && (after === undefined || !ALNUM.test(after));
      });
      this.closers.set(delim, table);
    }
    const j = table[from + 2] ?? s.length;
    return j < s.length && j < (this.newline[from] ?? s.length) ? j : -1;
  }
}

class InlineReader {
  readonly out: AdfNode[] = [];

  /** `keepEscapes`: write `\*` and the like as x-wiki-inline (used when the plain reading does not round-trip). */
  constructor(private readonly keepEscapes: boolean) {}

  private text(text: string, marks: AdfMark[]): void {
    if (text === '') return;
    const last = this.out.at(-1);
    if (last?.type === 'text' && sameJson(last.marks ?? [], marks)) {
      last.text = `${last.text ?? ''}${text}`;
      return;
    }
    const node: AdfNode = { type: 'text', text };
    if (marks.length > 0) node.marks = marks;
    this.out.push(node);
  }

  /** `[…]` at s[i]: a mention, link or inline card; anything else bracketed is kept as written. */
  private bracket(s: string, ends: Ends, i: number, marks: AdfMark[]): number {
    const end = ends.close[i] ?? s.length;
    const inner = s.slice(i + 1, Math.min(end, ends.open[i + 1] ?? s.length, ends.newline[i] ?? s.length) + 1);
    if (end >= s.length || !inner.endsWith(']') || /^\s*\]$|^[xX]\]$/.test(inner)) {
      this.text('[', marks);
      return i + 1;
    }
    const body = inner.slice(0, -1);
    const parts = body.split('|');
    if (/^~[^\s~|]+$/.test(body) && marks.length === 0) {
      this.out.push({ type: 'mention', attrs: { id: body.slice(1), text: `@${body.slice(1)}` } });
    } else if (parts.length === 1 && URL.test(body) && marks.length === 0) {
      this.out.push({ type: 'inlineCard', attrs: { url: body } });
    } else if (parts.length === 2 && URL.test(parts[1] ?? '') && (parts[0] ?? '') !== '') {
      this.read(parts[0] ?? '', [...marks, { type: 'link', attrs: { href: parts[1] } }]);
    } else this.out.push(raw(`[${body}]`));
    return end + 1;
  }

  private sticky(re: RegExp, s: string, i: number): string | undefined {
    re.lastIndex = i;
    return re.exec(s)?.[0];
  }

  read(s: string, marks: AdfMark[]): AdfNode[] {
    const ends = new Ends(s);
    let i = 0;
    while (i < s.length) {
      SPECIAL.lastIndex = i;
      const stop = SPECIAL.exec(s)?.index ?? s.length;
      if (stop > i) {
        this.text(s.slice(i, stop), marks);
        i = stop;
        continue;
      }
      const c = s[i] ?? '';
      if (c === '\n') {
        this.out.push({ type: 'hardBreak' });
        i++;
      } else if (s.startsWith('\\\\', i)) {
        this.out.push(raw('\\\\'));
        i += 2;
      } else if (c === '\\') {
        const next = s[i + 1];
        if (next !== undefined && /[{}[\]!*_\-+^~|?#]/.test(next)) {
          if (this.keepEscapes) this.out.push(raw(`\\${next}`));
          else this.text(next, marks);
          i += 2;
        } else {
          this.text('\\', marks);
          i++;
        }
      } else if (s.startsWith('{{', i) && (ends.braces[i + 3] ?? s.length) < (ends.newline[i] ?? s.length)) {
        const end = ends.braces[i + 3] ?? s.length;
        this.text(s.slice(i + 2, end), [...marks, { type: 'code' }]);
        i = end + 2;
      } else if (c === '{') {
        const tag = this.sticky(MACRO_TAG, s, i);
        if (tag === undefined) this.text('{', marks);
        else this.out.push(raw(tag));
        i += tag?.length ?? 1;
      } else if (c === '[') {
        i = this.bracket(s, ends, i, marks);
      } else if (c === '!') {
        const image = this.sticky(IMAGE, s, i);
        if (image === undefined) this.text('!', marks);
        else this.out.push(raw(image));
        i += image?.length ?? 1;
      } else {
        const mark = MARKS[c];
        const before = s[i - 1];
        const end = mark === undefined || (before !== undefined && ALNUM.test(before)) ? -1 : ends.closing(i, c);
        if (mark === undefined || end < 0) {
          this.text(c, marks);
          i++;
        } else {
          this.read(s.slice(i + 1, end), [...marks, mark]);
          i = end + 1;
        }
      }
    }
    return this.out;
  }
}

export function readInline(wiki: string, keepEscapes = false): AdfNode[] {
  return new InlineReader(keepEscapes).read(wiki, []);
}

/** How hard the writer escapes text: 0 not at all (reads best), 1 where markup could start, 2 every special. */
export type EscapeLevel = 0 | 1 | 2;

const DELIMS: Record<string, string> = { strong: '*', em: '_', strike: '-', underline: '+' };

function delimiter(mark: AdfMark): string | null {
  if (mark.type === 'subsup') return mark.attrs?.type === 'sup' ? '^' : mark.attrs?.type === 'sub' ? '~' : null;
  return mark.attrs === undefined ? (DELIMS[mark.type] ?? null) : null;
}

function escapeText(text: string, level: EscapeLevel, table: boolean): string {
  let out = text;
  if (level === 1) {
    out = out
      .replace(/[{[]|!(?=\S)/g, '\\$&')
      .replace(/(^|[^\p{L}\p{N}\s])([*_\-+^~])(?=\S)|(?<=\S)([*_\-+^~])(?=$|[^\p{L}\p{N}])/gu, (_m, pre, a, b) =>
        a === undefined ? `\\${b}` : `${pre}\\${a}`,
      );
  } else if (level === 2) out = out.replace(/[{}[\]!*_\-+^~]/g, '\\$&');
  return table ? out.replace(/\|/g, '\\|') : out;
}

function atom(node: AdfNode): string {
  const attrs = node.attrs ?? {};
  switch (node.type) {
    case RAW_WIKI_INLINE:
      return String(attrs.wiki ?? '');
    case 'hardBreak':
      return '\n';
    case 'mention':
      // Data Center names users by username: that is the mention's id here (see docs/content-formats.md).
      return `[~${String(attrs.id ?? '')}]`;
    case 'inlineCard':
      return `[${String(attrs.url ?? '')}]`;
    case 'emoji':
      return String(attrs.text ?? attrs.shortName ?? '');
    case 'status':
      return String(attrs.text ?? '');
    case 'date':
      return Number.isFinite(Number(attrs.timestamp))
        ? new Date(Number(attrs.timestamp)).toISOString().slice(0, 10)
        : '';
    default:
      return node.text ?? (node.content ?? []).map(atom).join('');
  }
}

const hrefOf = (node: AdfNode): string | undefined => {
  const link = node.marks?.find((m) => m.type === 'link');
  return link === undefined ? undefined : String(link.attrs?.href ?? '');
};

/** Inline nodes → wiki markup; marks are opened and closed like a stack across neighbouring text nodes. */
export function writeInline(nodes: readonly AdfNode[], level: EscapeLevel, table = false): string {
  let out = '';
  const open: string[] = [];
  const closeTo = (depth: number) => {
    while (open.length > depth) out += open.pop();
  };
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as AdfNode;
    const href = hrefOf(node);
    if (href !== undefined) {
      // A run of nodes under the same link becomes one `[text|url]`.
      let j = i;
      while (j < nodes.length && hrefOf(nodes[j] as AdfNode) === href) j++;
      const inner = nodes.slice(i, j).map((n): AdfNode => {
        const { marks = [], ...rest } = n;
        const kept = marks.filter((m) => m.type !== 'link');
        return kept.length === 0 ? rest : { ...rest, marks: kept };
      });
      closeTo(0);
      out += `[${writeInline(inner, level, true)}|${href}]`;
      i = j - 1;
      continue;
    }
    if (node.type !== 'text') {
      closeTo(0);
      out += atom(node);
      continue;
    }
    const marks = node.marks ?? [];
    const code = marks.some((m) => m.type === 'code');
    const wanted = marks.map(delimiter).filter((d): d is string => d !== null);
    let common = 0;
    while (common < open.length && common < wanted.length && open[common] === wanted[common]) common++;
    closeTo(common);
    for (const d of wanted.slice(common)) {
      out += d;
      open.push(d);
    }
    const text = node.text ?? '';
    out += code ? `{{${text}}}` : escapeText(text, level, table);
  }
  closeTo(0);
  return out;
}
