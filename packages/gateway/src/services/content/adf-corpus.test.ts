import { describe, expect, it } from 'vitest';
import { adfToMarkdown, markdownToAdf } from './adf.js';
import type { AdfNode } from './adf-node.js';

/**
 * A realistic ADF corpus, shaped like what Jira Cloud returns (attribute sets included) and like the examples
 * of Atlassian's ADF reference (developer.atlassian.com/cloud/jira/platform/apis/document/nodes/…).
 */
const t = (text: string, ...marks: AdfNode['marks'] & object): AdfNode =>
  marks.length > 0 ? { type: 'text', text, marks } : { type: 'text', text };
const p = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });
const li = (...content: AdfNode[]): AdfNode => ({ type: 'listItem', content });
const cell = (type: 'tableHeader' | 'tableCell', text: string): AdfNode => ({
  type,
  attrs: {},
  content: [p(...(text === '' ? [] : [t(text)]))],
});

const CORPUS: Record<string, AdfNode[]> = {
  headings: [1, 2, 3, 4, 5, 6].map((level) => ({
    type: 'heading',
    attrs: { level },
    content: [t(`Heading ${level}`)],
  })),
  marks: [
    p(
      t('Plain, '),
      t('bold', { type: 'strong' }),
      t(', '),
      t('italic', { type: 'em' }),
      t(', '),
      t('struck', { type: 'strike' }),
      t(', '),
      t('npm test', { type: 'code' }),
      t(' and '),
      t('a link', { type: 'link', attrs: { href: 'https://example.com/a?b=1&c=2' } }),
      t(' with '),
      t('a title', { type: 'link', attrs: { href: 'https://example.com', title: 'Example "site"' } }),
      t('.'),
    ),
    p(
      t('bold '),
      t('and both', { type: 'strong' }, { type: 'em' }),
      t(' then '),
      t('linked code', { type: 'link', attrs: { href: 'https://x.io' } }, { type: 'code' }),
    ),
    p(t('outer ', { type: 'strong' }), t('inner', { type: 'strong' }, { type: 'em' }), t(' outer', { type: 'strong' })),
  ],
  marksWithoutMarkdown: [
    p(
      t('under', { type: 'underline' }),
      t(' red', { type: 'textColor', attrs: { color: '#ff5630' } }),
      t(' H'),
      t('2', { type: 'subsup', attrs: { type: 'sub' } }),
      t('O'),
    ),
  ],
  specialCharacters: [
    p(t('Stars * and _underscores_ [brackets] `ticks` <tags> ~tilde~ back\\slash & &amp; :not_emoji: a|b')),
    p(t('# not a heading')),
    p(t('1. not a list')),
    p(t('- not a bullet')),
    p(t('> not a quote')),
    p(t('+ plus')),
    p(t('---')),
    p(t('line one'), { type: 'hardBreak' }, t('=== not setext')),
    p(t('ratio 10:30:45 and mail@example.com')),
  ],
  mentionsAndInlineNodes: [
    p(
      t('Ping '),
      { type: 'mention', attrs: { id: '5b10ac8d82e05b22cc7d4ef5', text: '@Jane Doe', accessLevel: '' } },
      t(' and '),
      { type: 'mention', attrs: { id: '557058:f5c8e8a2-1c1c-4b8c-9c8e-0e9f2a3b4c5d', text: '@Bob' } },
      t(' '),
      { type: 'emoji', attrs: { shortName: ':smile:' } },
      t(' '),
      { type: 'emoji', attrs: { shortName: ':grinning:', id: '1f600', text: '😀' } },
    ),
    p(
      t('State: '),
      {
        type: 'status',
        attrs: { text: 'In progress', color: 'blue', localId: 'b8a4bde4-86c6-4fb0-a0ec-2c5f5b3d41a1', style: '' },
      },
      t(' due '),
      { type: 'date', attrs: { timestamp: '1582152559000' } },
      t(', see '),
      { type: 'inlineCard', attrs: { url: 'https://example.atlassian.net/browse/ABC-1' } },
    ),
    p({ type: 'status', attrs: { text: 'DONE', color: 'green', localId: 'a1', style: 'bold' } }, t(' leads the line')),
    p(t('first'), { type: 'hardBreak' }, t('second'), { type: 'hardBreak' }, t('third')),
  ],
  lists: [
    {
      type: 'bulletList',
      content: [
        li(p(t('one'))),
        li(p(t('two')), { type: 'orderedList', attrs: { order: 3 }, content: [li(p(t('three'))), li(p(t('four')))] }),
        li(p(t('with code')), { type: 'codeBlock', attrs: { language: 'sh' }, content: [t('npm ci\nnpm test')] }),
      ],
    },
    { type: 'orderedList', attrs: { order: 1 }, content: [li(p(t('first'))), li(p(t('second')), p(t('loose')))] },
    { type: 'bulletList', content: [li(p(t('a list right after another')))] },
  ],
  codeBlocks: [
    { type: 'codeBlock', attrs: { language: 'javascript' }, content: [t('const a = 1;\nconsole.log(`a`);')] },
    { type: 'codeBlock', content: [t('no language')] },
    { type: 'codeBlock', attrs: {}, content: [t('empty attrs, as Jira sends them')] },
    { type: 'codeBlock', attrs: { language: 'markdown' }, content: [t('```\nnested fence\n```')] },
    { type: 'codeBlock', attrs: { language: 'text' } },
  ],
  quotesAndRules: [
    {
      type: 'blockquote',
      content: [p(t('Quoted '), t('text', { type: 'em' })), { type: 'bulletList', content: [li(p(t('in a quote')))] }],
    },
    { type: 'rule' },
  ],
  panels: [
    ...['info', 'note', 'warning', 'success', 'error'].map((panelType) => ({
      type: 'panel',
      attrs: { panelType },
      content: [p(t(`A ${panelType} panel`)), p(t('second paragraph'))],
    })),
    {
      type: 'panel',
      attrs: { panelType: 'info' },
      content: [{ type: 'bulletList', content: [li(p(t('list first')))] }],
    },
    {
      type: 'panel',
      attrs: { panelType: 'custom', panelIcon: ':rainbow:', panelColor: '#E6FCFF' },
      content: [p(t('custom'))],
    },
  ],
  tables: [
    {
      type: 'table',
      attrs: { isNumberColumnEnabled: false, layout: 'default' },
      content: [
        { type: 'tableRow', content: [cell('tableHeader', 'Key'), cell('tableHeader', 'Value | pipe')] },
        { type: 'tableRow', content: [cell('tableCell', 'a'), cell('tableCell', '')] },
        {
          type: 'tableRow',
          content: [
            {
              type: 'tableCell',
              attrs: {},
              content: [
                p(t('bold', { type: 'strong' }), t(' '), { type: 'mention', attrs: { id: 'abc', text: '@Ann' } }),
              ],
            },
            { type: 'tableCell', attrs: {}, content: [p(t('x'), { type: 'hardBreak' }, t('y'))] },
          ],
        },
      ],
    },
    {
      type: 'table',
      attrs: {
        isNumberColumnEnabled: false,
        layout: 'center',
        localId: '4f1c2a9e-7d2b-4c3e-9f0a-1b2c3d4e5f60',
        width: 760,
      },
      content: [
        { type: 'tableRow', content: [cell('tableHeader', 'Only header')] },
        { type: 'tableRow', content: [cell('tableCell', 'row')] },
      ],
    },
    {
      type: 'table',
      attrs: { isNumberColumnEnabled: true, layout: 'default' },
      content: [
        {
          type: 'tableRow',
          content: [
            { type: 'tableCell', attrs: { colwidth: [120], background: '#deebff' }, content: [p(t('no header row'))] },
          ],
        },
      ],
    },
  ],
  tasks: [
    {
      type: 'taskList',
      attrs: { localId: '3e8ad3e0-0d4f-4b4f-a1b4-36b3f8c6c5f1' },
      content: [
        {
          type: 'taskItem',
          attrs: { localId: 'a0c1b2d3-0001', state: 'TODO' },
          content: [t('Write the '), t('tests', { type: 'strong' })],
        },
        { type: 'taskItem', attrs: { localId: 'a0c1b2d3-0002', state: 'DONE' }, content: [t('Ship it')] },
      ],
    },
    {
      type: 'taskList',
      attrs: { localId: '' },
      content: [{ type: 'taskItem', attrs: { localId: '', state: 'TODO' }, content: [t('typed in Markdown')] }],
    },
  ],
  adfOnlyBlocks: [
    {
      type: 'expand',
      attrs: { title: 'Details' },
      content: [p(t('Hidden')), { type: 'codeBlock', content: [t('x')] }],
    },
    {
      type: 'mediaSingle',
      attrs: { layout: 'center' },
      content: [
        {
          type: 'media',
          attrs: {
            id: '6e7c7f2c-dd7a-499c-bceb-6f32bfbf30b5',
            type: 'file',
            collection: 'ticket',
            width: 710,
            height: 163,
          },
        },
      ],
    },
    {
      type: 'mediaSingle',
      attrs: { layout: 'center' },
      content: [{ type: 'media', attrs: { type: 'external', url: 'https://example.com/logo.png', alt: 'Logo' } }],
    },
    {
      type: 'decisionList',
      attrs: { localId: 'd1' },
      content: [{ type: 'decisionItem', attrs: { localId: 'd2', state: 'DECIDED' }, content: [t('Use Markdown')] }],
    },
    { type: 'blockCard', attrs: { url: 'https://example.atlassian.net/wiki/spaces/X/pages/1' } },
    { type: 'paragraph', content: [] },
    { type: 'paragraph', attrs: { localId: 'p-1' }, content: [t('with an id')] },
    { type: 'heading', attrs: { level: 2 }, content: [t('break'), { type: 'hardBreak' }, t('inside')] },
    p(t(' leading and trailing space ')),
  ],
};

const doc = (content: AdfNode[]) => ({ type: 'doc' as const, version: 1 as const, content });

/** Escape comments in the Markdown: the fewer, the more readable. */
const escapes = (md: string) => md.match(/<!--adf:\{/g)?.length ?? 0;

describe('ADF → Markdown → ADF on a realistic corpus', () => {
  for (const [name, content] of Object.entries(CORPUS)) {
    it(`keeps ${name} node for node`, () => {
      const md = adfToMarkdown(doc(content));
      expect(markdownToAdf(md)).toEqual(doc(content));
      // Markdown → ADF → Markdown is then stable too.
      expect(adfToMarkdown(markdownToAdf(md))).toBe(md);
    });
  }

  it('keeps the whole corpus as one document', () => {
    const all = doc(Object.values(CORPUS).flat());
    expect(markdownToAdf(adfToMarkdown(all))).toEqual(all);
  });

  it('writes plain Markdown wherever Markdown has the construct', () => {
    const md = (name: string) => adfToMarkdown(doc(CORPUS[name] ?? []));
    expect(md('headings')).toContain('###### Heading 6');
    expect(escapes(md('headings') + md('marks') + md('specialCharacters') + md('lists') + md('quotesAndRules'))).toBe(
      0,
    );
    expect(md('marks')).toContain(
      'Plain, **bold**, *italic*, ~~struck~~, `npm test` and [a link](https://example.com/a?b=1&c=2) with',
    );
    expect(md('marks')).toContain('**outer *inner* outer**');
    expect(md('specialCharacters')).toContain('\\# not a heading');
    expect(md('mentionsAndInlineNodes')).toContain(
      'Ping @[Jane Doe](accountid:5b10ac8d82e05b22cc7d4ef5 \'{"accessLevel":""}\')',
    );
    expect(md('mentionsAndInlineNodes')).toContain(
      '@[Bob](accountid:557058:f5c8e8a2-1c1c-4b8c-9c8e-0e9f2a3b4c5d) :smile:',
    );
    expect(md('mentionsAndInlineNodes')).toContain('<https://example.atlassian.net/browse/ABC-1>');
    expect(md('mentionsAndInlineNodes')).toContain('first\nsecond\nthird');
    expect(md('codeBlocks')).toContain('```javascript\nconst a = 1;\nconsole.log(`a`);\n```');
    expect(md('codeBlocks')).toContain('<!--adf:attrs {}-->\n```\nempty attrs, as Jira sends them\n```');
    expect(md('marks')).toContain('bold **_and both_** then [`linked code`](https://x.io)');
    expect(md('adfOnlyBlocks')).toContain('&#32;leading and trailing space&#32;');
    expect(md('codeBlocks')).toContain('````markdown\n```\nnested fence\n```\n````');
    expect(md('panels')).toContain('> [!WARNING]\n> A warning panel\n>\n> second paragraph');
    expect(md('panels')).toContain('> [!INFO]\n>\n> - list first');
    expect(md('tables')).toContain('| Key | Value \\| pipe |\n| --- | --- |\n| a |  |');
    expect(md('tasks')).toContain('- [ ] Write the **tests** <!--adf:attrs {"localId":"a0c1b2d3-0001"}-->');
    expect(md('tasks')).toContain('- [ ] typed in Markdown');
    expect(md('adfOnlyBlocks')).toContain('![Logo](https://example.com/logo.png)');
  });

  it('carries what Markdown cannot say as exact escapes, and only that', () => {
    const md = adfToMarkdown(doc(CORPUS.marksWithoutMarkdown ?? []));
    expect(md).toContain('<!--adf:{"type":"text","text":"under","marks":[{"type":"underline"}]}-->');
    expect(md).toContain(' H<!--adf:{"type":"text","text":"2","marks":[{"type":"subsup","attrs":{"type":"sub"}}]}-->O');
    const inline = adfToMarkdown(doc(CORPUS.mentionsAndInlineNodes ?? []));
    expect(inline).toContain('State: <!--adf:{"type":"status"');
    // A line may start with an escape and go on with text: still one paragraph.
    expect(inline).toMatch(/\n\n<!--adf:\{"type":"status".*--> leads the line\n\n/);
    const custom = adfToMarkdown(doc((CORPUS.panels ?? []).slice(-1)));
    expect(custom).toBe(
      '<!--adf:attrs {"panelType":"custom","panelIcon":":rainbow:","panelColor":"#E6FCFF"}-->\n> [!INFO]\n> custom',
    );
  });
});
