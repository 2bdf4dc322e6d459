import { describe, expect, it } from 'vitest';
import { adfToMarkdown, adfValueToMarkdown, isAdfDoc, markdownToAdf } from './adf.js';
import type { AdfMark, AdfNode } from './adf-node.js';

const t = (text: string, ...marks: AdfMark[]): AdfNode =>
  marks.length > 0 ? { type: 'text', text, marks } : { type: 'text', text };
const p = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });

describe('Markdown → ADF', () => {
  it('reads the Markdown extensions: mentions, emoji, cards, alerts, task lists, tables, images', () => {
    const doc = markdownToAdf(
      [
        'Hi @[Jane Doe](accountid:5b10ac) :tada: <https://x.atlassian.net/browse/A-1>',
        '> [!TIP]\n> Use `npm ci`',
        '- [ ] todo\n- [x] done',
        '| A | B |\n| --- | :-: |\n| 1 | **2** |',
        '![diagram](https://example.com/d.png)',
      ].join('\n\n'),
    );
    expect(doc.content).toEqual([
      p(
        t('Hi '),
        { type: 'mention', attrs: { id: '5b10ac', text: '@Jane Doe' } },
        t(' '),
        { type: 'emoji', attrs: { shortName: ':tada:' } },
        t(' '),
        { type: 'inlineCard', attrs: { url: 'https://x.atlassian.net/browse/A-1' } },
      ),
      { type: 'panel', attrs: { panelType: 'success' }, content: [p(t('Use '), t('npm ci', { type: 'code' }))] },
      {
        type: 'taskList',
        attrs: { localId: '' },
        content: [
          { type: 'taskItem', attrs: { localId: '', state: 'TODO' }, content: [t('todo')] },
          { type: 'taskItem', attrs: { localId: '', state: 'DONE' }, content: [t('done')] },
        ],
      },
      {
        type: 'table',
        attrs: { isNumberColumnEnabled: false, layout: 'default' },
        content: [
          {
            type: 'tableRow',
            content: [
              { type: 'tableHeader', attrs: {}, content: [p(t('A'))] },
              { type: 'tableHeader', attrs: {}, content: [p(t('B'))] },
            ],
          },
          {
            type: 'tableRow',
            content: [
              { type: 'tableCell', attrs: {}, content: [p(t('1'))] },
              { type: 'tableCell', attrs: {}, content: [p(t('2', { type: 'strong' }))] },
            ],
          },
        ],
      },
      {
        type: 'mediaSingle',
        attrs: { layout: 'center' },
        content: [{ type: 'media', attrs: { type: 'external', url: 'https://example.com/d.png', alt: 'diagram' } }],
      },
    ]);
  });

  it('keeps a typed newline as a hard break and literal HTML as text', () => {
    expect(markdownToAdf('one\ntwo <b>x</b>').content).toEqual([p(t('one'), { type: 'hardBreak' }, t('two <b>x</b>'))]);
    expect(markdownToAdf('<!-- a note -->').content).toEqual([p(t('<!-- a note -->'))]);
    expect(markdownToAdf('').content).toEqual([]);
  });

  it('takes a broken escape comment as the text it is, never throws', () => {
    expect(markdownToAdf('<!--adf:{not json}-->').content).toEqual([p(t('<!--adf:{not json}-->'))]);
    expect(markdownToAdf('a <!--adf:attrs {"x":1}--> b').content).toEqual([
      p(t('a '), t('<!--adf:attrs {"x":1}-->'), t(' b')),
    ]);
  });
});

describe('Markdown → ADF → Markdown', () => {
  const canonical = [
    '# Release notes\n\nShipped **three** fixes, see [ABC-1](https://x.atlassian.net/browse/ABC-1).',
    '- one\n- two\n  1. nested\n  2. ordered\n- three',
    '- a\n\n  3. from three',
    '3. starts at three\n4. four',
    '> [!WARNING]\n> Back up first.\n>\n> - really',
    '> plain quote',
    '```python\nprint("hi")\n```',
    '| Name | Owner |\n| --- | --- |\n| api | @[Ann](accountid:557058:1) |',
    '- [ ] write docs\n- [x] write code',
    'first line\nsecond line',
    '---',
    '~~gone~~ and *kept* and `code` :smile:',
  ];
  for (const md of canonical) {
    it(`gives back ${JSON.stringify(md.slice(0, 30))}…`, () => {
      expect(adfToMarkdown(markdownToAdf(md))).toBe(md);
    });
  }

  it('settles other spellings on the canonical one in one pass', () => {
    const loose = '* a\n* b\n\n__bold__ _it_\n\nTitle\n=====\n\n    indented code\n\n1) x\n\n> [!caution]\n> c';
    const once = adfToMarkdown(markdownToAdf(loose));
    expect(once).toBe('- a\n- b\n\n**bold** *it*\n\n# Title\n\n```\nindented code\n```\n\n1. x\n\n> [!ERROR]\n> c');
    expect(adfToMarkdown(markdownToAdf(once))).toBe(once);
  });
});

describe('ADF → Markdown readability', () => {
  it('escapes only the text node Markdown cannot mark, not its paragraph', () => {
    const doc = {
      type: 'doc' as const,
      version: 1 as const,
      content: [p(t('Status:'), t(' done', { type: 'strong' }), t(' and '), t('kept', { type: 'em' }))],
    };
    const md = adfToMarkdown(doc);
    expect(md).toBe('Status:<!--adf:{"type":"text","text":" done","marks":[{"type":"strong"}]}--> and *kept*');
    expect(markdownToAdf(md)).toEqual(doc);
  });
});

describe('helpers', () => {
  it('recognizes ADF and passes strings through', () => {
    expect(isAdfDoc({ type: 'doc', version: 1, content: [] })).toBe(true);
    expect(isAdfDoc({ type: 'paragraph' })).toBe(false);
    expect(adfValueToMarkdown('as is')).toBe('as is');
    expect(adfValueToMarkdown(42)).toBeNull();
    expect(adfValueToMarkdown({ type: 'doc', content: [p(t('x'))] })).toBe('x');
  });
});

/** A small deterministic generator (mulberry32), so a failure is reproducible from its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

describe('ADF → Markdown → ADF on generated documents', () => {
  const ALPHABET = 'abc XYZ 019 *_`[]()<>#+-.!|~:@&;\\/="\'\t';
  const MARKS: AdfMark[] = [
    { type: 'strong' },
    { type: 'em' },
    { type: 'strike' },
    { type: 'code' },
    { type: 'underline' },
    { type: 'link', attrs: { href: 'https://example.com/x' } },
  ];

  function generate(rnd: () => number): AdfNode[] {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const text = () => Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => pick([...ALPHABET])).join('') || 'x';
    const inline = (): AdfNode[] =>
      Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => {
        const r = rnd();
        if (r < 0.1) return { type: 'hardBreak' };
        if (r < 0.18) return { type: 'mention', attrs: { id: `id${Math.floor(rnd() * 99)}`, text: `@${text()}` } };
        if (r < 0.22) return { type: 'emoji', attrs: { shortName: ':smile:' } };
        if (r < 0.26) return { type: 'status', attrs: { text: text(), color: 'green' } };
        const marks = MARKS.filter(() => rnd() < 0.2);
        return t(text(), ...marks);
      });
    const block = (depth: number): AdfNode => {
      const r = rnd();
      const items = () =>
        Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => ({
          type: 'listItem',
          content: [p(...inline()), ...(depth < 2 && rnd() < 0.3 ? [block(depth + 1)] : [])],
        }));
      if (r < 0.35) return p(...inline());
      if (r < 0.45) return { type: 'heading', attrs: { level: 1 + Math.floor(rnd() * 6) }, content: inline() };
      if (r < 0.55) return { type: 'bulletList', content: items() };
      if (r < 0.62) return { type: 'orderedList', attrs: { order: 1 + Math.floor(rnd() * 3) }, content: items() };
      if (r < 0.7) return { type: 'codeBlock', attrs: { language: 'ts' }, content: [t(`${text()}\n${text()}`)] };
      if (r < 0.78 && depth < 2) return { type: 'blockquote', content: [block(depth + 1)] };
      if (r < 0.85 && depth < 2)
        return { type: 'panel', attrs: { panelType: pick(['info', 'note', 'error']) }, content: [block(depth + 1)] };
      if (r < 0.92)
        return {
          type: 'taskList',
          attrs: { localId: '' },
          content: [{ type: 'taskItem', attrs: { localId: '', state: pick(['TODO', 'DONE']) }, content: inline() }],
        };
      return { type: 'rule' };
    };
    return Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => block(0));
  }

  it('round-trips 300 random documents exactly', () => {
    const rnd = random(20261123);
    for (let i = 0; i < 300; i++) {
      const doc = { type: 'doc' as const, version: 1 as const, content: generate(rnd) };
      const md = adfToMarkdown(doc);
      expect(markdownToAdf(md), `document ${i}:\n${md}`).toEqual(doc);
    }
  });
});
