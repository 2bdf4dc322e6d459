/**
 * The shape of Atlassian Document Format nodes, as far as the converters need it, and the "escape hatch" that
 * carries any node Markdown has no syntax for: `<!--adf:{…node JSON…}-->`. A comment is invisible when the
 * Markdown is rendered, survives every Markdown tool, and converts back to exactly the node it came from.
 */
export interface AdfMark {
  type: string;
  attrs?: Record<string, unknown>;
}

export interface AdfNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  text?: string;
  marks?: AdfMark[];
}

export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

/**
 * A node the storage converter keeps verbatim: XHTML (an unknown macro, a page link, …) that has no ADF or
 * Markdown form. It exists only between storage and Markdown, never in ADF sent to Jira.
 */
export const RAW_STORAGE = 'x-storage';
/** The same, for XHTML met inside a line of text (an image, a page link, a status macro, …). */
export const RAW_STORAGE_INLINE = 'x-storage-inline';

/**
 * Jira Data Center wiki markup the wiki converter keeps verbatim (a macro with parameters, a list it cannot
 * rebuild exactly, …): `attrs.wiki` is its exact source. Like x-storage, it never reaches Jira Cloud.
 */
export const RAW_WIKI = 'x-wiki';
/** The same, inside a line of text (`{color:red}`, `!image.png!`, `\\`, …). */
export const RAW_WIKI_INLINE = 'x-wiki-inline';

/** Whether a value looks like an ADF document (`{type: 'doc', content: [...]}`). */
export function isAdfDoc(value: unknown): value is AdfDoc {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'doc' &&
    Array.isArray((value as { content?: unknown }).content)
  );
}

const PREFIX = '<!--adf:';
const ATTRS_PREFIX = '<!--adf:attrs ';
const SUFFIX = '-->';

/**
 * JSON safe inside an HTML comment and a table row: a comment ends at `-->`, a GFM row splits at `|`. Both only
 * ever occur inside JSON strings, where `\u002d` and `\u007c` mean the same characters.
 */
function commentJson(value: unknown): string {
  return JSON.stringify(value).replace(/--/g, '-\\u002d').replace(/\|/g, '\\u007c');
}

export function escapeNode(node: AdfNode): string {
  return `${PREFIX}${commentJson(node)}${SUFFIX}`;
}

/** `<!--adf:attrs {...}-->`: the attributes of the next block (or of a task item, at its end); null = none. */
export function escapeAttrs(attrs: Record<string, unknown> | undefined): string {
  return `${ATTRS_PREFIX}${commentJson(attrs ?? null)}${SUFFIX}`;
}

function parseComment(html: string, prefix: string): { value: unknown } | null {
  const trimmed = html.trim();
  if (!trimmed.startsWith(prefix) || !trimmed.endsWith(SUFFIX)) return null;
  try {
    return { value: JSON.parse(trimmed.slice(prefix.length, -SUFFIX.length)) as unknown };
  } catch {
    return null;
  }
}

/** The node an escape comment carries, or null when the HTML is something else. */
export function unescapeNode(html: string): AdfNode | null {
  if (html.trim().startsWith(ATTRS_PREFIX)) return null;
  const parsed = parseComment(html, PREFIX);
  const node = parsed?.value;
  if (typeof node !== 'object' || node === null || typeof (node as { type?: unknown }).type !== 'string') return null;
  return node as AdfNode;
}

/** The attributes an attrs comment carries (`null` for "no attrs"), or undefined when it is not one. */
export function unescapeAttrs(html: string): Record<string, unknown> | null | undefined {
  const parsed = parseComment(html, ATTRS_PREFIX);
  if (parsed === null) return undefined;
  const value = parsed.value;
  if (value === null) return null;
  return typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Deep structural equality of JSON values (key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  const ak = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const bk = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    ak.length === bk.length &&
    ak.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}
