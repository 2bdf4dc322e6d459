import type { AdfNode } from './adf-node.js';
import { readInline } from './wiki-inline.js';

/** Wiki tables (`||header||header||`, `|cell|cell|`, one row a line) → ADF tables, as md-parse builds them. */

const paragraph = (content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });

/** A table row `||h||h||` / `|c|c|`: its cells' text, split at `|` outside links and escapes; null if not one. */
function rowCells(line: string): { header: boolean; text: string }[] | null {
  const cells: { header: boolean; text: string }[] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] !== '|') return null;
    const header = line.startsWith('||', i);
    i += header ? 2 : 1;
    if (i >= line.length) break;
    let j = i;
    for (let depth = 0; j < line.length; j++) {
      const c = line[j];
      if (c === '\\') j++;
      else if (c === '[') depth++;
      else if (c === ']') depth = Math.max(0, depth - 1);
      else if (c === '|' && depth === 0) break;
    }
    cells.push({ header, text: line.slice(i, j) });
    i = j;
  }
  return cells.length > 0 ? cells : null;
}

/**
 * Rows → a table. What Markdown would lose is kept in `xWiki`, a list of words the writer reads back:
 * `padded` when every cell is written `| a |` (one space either side; read trimmed), `noheader` when no row is a
 * header row — Markdown tables need one, so the first row is read as the header and written back as cells.
 */
export function readTable(lines: string[], keep: boolean): AdfNode | null {
  const rows = lines.map(rowCells);
  if (rows.some((r) => r === null)) return null;
  const cells = rows.flatMap((r) => r ?? []);
  const padded = cells.every((c) => c.text.length >= 2 && c.text.startsWith(' ') && c.text.endsWith(' '));
  const noHeader = cells.every((c) => !c.header);
  const flags = [padded ? 'padded' : '', noHeader ? 'noheader' : ''].filter((f) => f !== '');
  const attrs: Record<string, unknown> = { isNumberColumnEnabled: false, layout: 'default' };
  if (flags.length > 0) attrs.xWiki = flags.join(' ');
  const content = rows.map((r, i) => ({
    type: 'tableRow',
    content: (r ?? []).map((c) => ({
      type: c.header || (noHeader && i === 0) ? 'tableHeader' : 'tableCell',
      attrs: {},
      content: [paragraph(readInline(padded ? c.text.slice(1, -1) : c.text, keep))],
    })),
  }));
  return { type: 'table', attrs, content };
}
