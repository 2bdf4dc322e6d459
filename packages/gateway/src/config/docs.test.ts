import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { variables } from './variables.js';

const DOC = fileURLToPath(new URL('../../../../docs/configuration.md', import.meta.url));

/** Rows of the `| Variable | Default | Meaning |` table: [name, default]. */
export function documentedVariables(markdown: string): Array<[string, string]> {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^\|\s*Variable\s*\|\s*Default\s*\|\s*Meaning\s*\|/.test(l));
  if (start < 0) throw new Error('docs/configuration.md has no "| Variable | Default | Meaning |" table');
  const rows: Array<[string, string]> = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    const name = /^`([A-Z0-9_]+)`$/.exec(cells[0] ?? '')?.[1];
    if (name === undefined) throw new Error(`unreadable row in docs/configuration.md: ${line}`);
    const def = cells[1] === '(unset)' ? '' : (/^`(.*)`$/.exec(cells[1] ?? '')?.[1] ?? `!${cells[1]}`);
    rows.push([name, def]);
  }
  return rows;
}

describe('docs/configuration.md', () => {
  it('lists every variable of the schema, in order, with its default, and nothing else', () => {
    const documented = documentedVariables(readFileSync(DOC, 'utf8'));
    const code = Object.values(variables).map((v): [string, string] => [v.env, v.default]);
    expect(documented).toEqual(code);
  });
});
