import type { Token } from 'markdown-it';
import { type AdfMark, type AdfNode, sameJson, unescapeAttrs, unescapeNode } from './adf-node.js';

/** A `<!--adf:attrs {…}-->` met inline: a task item's attributes, or else put back as text (md-parse). */
export const ATTRS_MARKER = 'x-attrs';

/**
 * Markdown inline tokens (markdown-it) → ADF inline nodes. Emphasis, strong, strikethrough, code spans and links
 * become marks; `@[Name](accountid:ID)` a mention; `<https://…>` an inline card; `:shortname:` an emoji;
 * `<!--adf:{…}-->` the exact node it carries. Line breaks, soft or hard, are ADF hard breaks (Jira's editors keep
 * a typed newline).
 */

const EMOJI = /(?<![\w:]):([a-z][a-z0-9_+-]*):(?![\w:])/gi;

function extraAttrs(title: string | null): Record<string, unknown> {
  if (title === null || title === '') return {};
  try {
    const value = JSON.parse(title) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

class InlineReader {
  readonly out: AdfNode[] = [];
  private readonly marks: AdfMark[] = [];

  text(text: string, extra?: AdfMark): void {
    if (text === '') return;
    const marks = extra === undefined ? [...this.marks] : [...this.marks, extra];
    const last = this.out.at(-1);
    if (last?.type === 'text' && extra === undefined && sameJson(last.marks ?? [], marks)) {
      last.text = `${last.text ?? ''}${text}`;
      return;
    }
    const node: AdfNode = { type: 'text', text };
    if (marks.length > 0) node.marks = marks;
    this.out.push(node);
  }

  /** Plain text, where `:name:` becomes an emoji (escaped colons arrive as separate tokens, so stay text). */
  plain(text: string): void {
    let from = 0;
    for (const match of text.matchAll(EMOJI)) {
      this.text(text.slice(from, match.index));
      this.out.push({ type: 'emoji', attrs: { shortName: match[0] } });
      from = match.index + match[0].length;
    }
    this.text(text.slice(from));
  }

  open(mark: AdfMark): void {
    this.marks.push(mark);
  }

  close(type: string): void {
    const i = this.marks.findLastIndex((m) => m.type === type);
    if (i >= 0) this.marks.splice(i, 1);
  }

  /** The text of the tokens up to the matching link_close; returns the index of that close. */
  linkText(tokens: Token[], from: number): [string, number] {
    let text = '';
    let i = from;
    for (; i < tokens.length && tokens[i]?.type !== 'link_close'; i++) {
      const t = tokens[i];
      if (t !== undefined && (t.type === 'text' || t.type === 'text_special' || t.type === 'code_inline'))
        text += t.content;
    }
    return [text, i];
  }

  /** A mention when the link is `@[…](accountid:…)`: the `@` is the end of the text before it. */
  mention(href: string, title: string | null, name: string): boolean {
    const last = this.out.at(-1);
    if (last?.type !== 'text' || !last.text?.endsWith('@')) return false;
    last.text = last.text.slice(0, -1);
    if (last.text === '') this.out.pop();
    const attrs: Record<string, unknown> = { id: href.slice('accountid:'.length) };
    if (name !== '') attrs.text = `@${name}`;
    this.out.push({ type: 'mention', attrs: { ...attrs, ...extraAttrs(title) } });
    return true;
  }

  read(tokens: Token[]): AdfNode[] {
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t === undefined) continue;
      switch (t.type) {
        case 'text':
          this.plain(t.content);
          break;
        case 'text_special':
          this.text(t.content);
          break;
        case 'softbreak':
        case 'hardbreak':
          this.out.push({ type: 'hardBreak' });
          break;
        case 'code_inline':
          this.text(t.content, { type: 'code' });
          break;
        case 'strong_open':
          this.open({ type: 'strong' });
          break;
        case 'em_open':
          this.open({ type: 'em' });
          break;
        case 's_open':
          this.open({ type: 'strike' });
          break;
        case 'strong_close':
          this.close('strong');
          break;
        case 'em_close':
          this.close('em');
          break;
        case 's_close':
          this.close('strike');
          break;
        case 'link_open': {
          const href = String(t.attrGet('href') ?? '');
          const title = t.attrGet('title');
          if (t.markup === 'autolink') {
            i = this.linkText(tokens, i + 1)[1];
            this.out.push({ type: 'inlineCard', attrs: { url: href } });
            break;
          }
          if (href.startsWith('accountid:')) {
            const [name, end] = this.linkText(tokens, i + 1);
            if (this.mention(href, title === null ? null : String(title), name)) {
              i = end;
              break;
            }
          }
          const attrs: Record<string, unknown> = { href };
          if (title !== null) attrs.title = String(title);
          this.open({ type: 'link', attrs });
          break;
        }
        case 'link_close':
          this.close('link');
          break;
        case 'image': {
          // ADF has no inline image: keep the alt text, linked to the image.
          const src = String(t.attrGet('src') ?? '');
          this.open({ type: 'link', attrs: { href: src } });
          this.text(t.content === '' ? src : t.content);
          this.close('link');
          break;
        }
        case 'html_inline': {
          const node = unescapeNode(t.content);
          const attrs = unescapeAttrs(t.content);
          if (node !== null) this.out.push(node);
          else if (attrs !== undefined) {
            const marker: AdfNode = { type: ATTRS_MARKER, text: t.content };
            if (attrs !== null) marker.attrs = attrs;
            this.out.push(marker);
          } else this.text(t.content);
          break;
        }
        default:
          this.text(t.content);
      }
    }
    return this.out;
  }
}

export function inlineToAdf(tokens: Token[] | null): AdfNode[] {
  return new InlineReader().read(tokens ?? []);
}
