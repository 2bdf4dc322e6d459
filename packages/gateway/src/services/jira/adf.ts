import { arr, at, num, obj, str } from '../../webhooks/json.js';

/**
 * A minimal bridge between plain/Markdown text and Atlassian Document Format (Jira Cloud's v3 rich text).
 * Text → ADF: blank-line separated paragraphs (single newlines become hard breaks), `#`…`######` headings and
 * fenced code blocks. ADF → text: the same back, plus the text of any other node (lists, panels, mentions), so
 * nothing readable is lost even where the structure is.
 */
export interface AdfNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  text?: string;
}

export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

function paragraph(lines: string[]): AdfNode {
  const content: AdfNode[] = [];
  lines.forEach((line, i) => {
    if (i > 0) content.push({ type: 'hardBreak' });
    if (line !== '') content.push({ type: 'text', text: line });
  });
  return { type: 'paragraph', content };
}

export function textToAdf(text: string): AdfDoc {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const content: AdfNode[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length > 0) content.push(paragraph(para));
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fence = /^```\s*([\w+-]*)\s*$/.exec(line);
    if (fence !== null) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) code.push(lines[i] ?? '');
      const node: AdfNode = {
        type: 'codeBlock',
        content: code.length > 0 ? [{ type: 'text', text: code.join('\n') }] : [],
      };
      if (fence[1]) node.attrs = { language: fence[1] };
      content.push(node);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading !== null) {
      flush();
      const title = (heading[2] ?? '').trim();
      content.push({
        type: 'heading',
        attrs: { level: (heading[1] ?? '#').length },
        content: title === '' ? [] : [{ type: 'text', text: title }],
      });
      continue;
    }
    if (line.trim() === '') flush();
    else para.push(line);
  }
  flush();
  return { type: 'doc', version: 1, content };
}

function inline(node: unknown): string {
  switch (str(at(node, 'type'))) {
    case 'text':
      return str(at(node, 'text')) ?? '';
    case 'hardBreak':
      return '\n';
    case 'mention':
      return str(at(node, 'attrs', 'text')) ?? '';
    case 'emoji':
      return str(at(node, 'attrs', 'text')) ?? str(at(node, 'attrs', 'shortName')) ?? '';
    case 'inlineCard':
      return str(at(node, 'attrs', 'url')) ?? '';
    default:
      return blocks(arr(at(node, 'content'))).join('\n');
  }
}

function block(node: unknown): string {
  const children = arr(at(node, 'content'));
  switch (str(at(node, 'type'))) {
    case 'paragraph':
      return children.map(inline).join('');
    case 'heading':
      return `${'#'.repeat(Math.min(6, Math.max(1, num(at(node, 'attrs', 'level')) ?? 1)))} ${children.map(inline).join('')}`;
    case 'codeBlock':
      return `\`\`\`${str(at(node, 'attrs', 'language')) ?? ''}\n${children.map(inline).join('')}\n\`\`\``;
    case 'bulletList':
      return children.map((item) => `- ${blocks(arr(at(item, 'content'))).join('\n')}`).join('\n');
    case 'orderedList':
      return children.map((item, i) => `${i + 1}. ${blocks(arr(at(item, 'content'))).join('\n')}`).join('\n');
    case 'rule':
      return '---';
    default:
      return inline(node);
  }
}

function blocks(nodes: readonly unknown[]): string[] {
  return nodes.map(block);
}

/** An ADF document as Markdown-ish text; a value that is not a document gives null. */
export function adfToText(doc: unknown): string | null {
  if (obj(doc) === null) return typeof doc === 'string' ? doc : null;
  return blocks(arr(at(doc, 'content'))).join('\n\n');
}

/** Whether a value looks like an ADF document (`{type: 'doc', content: [...]}`). */
export function isAdfDoc(value: unknown): boolean {
  return str(at(value, 'type')) === 'doc' && Array.isArray(at(value, 'content'));
}
