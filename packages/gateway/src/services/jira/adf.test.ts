import { describe, expect, it } from 'vitest';
import { adfToText, isAdfDoc, textToAdf } from './adf.js';

describe('Jira text ⇄ ADF (services/content underneath)', () => {
  it('builds paragraphs with hard breaks, headings and code blocks, as before', () => {
    const doc = textToAdf('# Title\n\nline one\nline two\n\n```ts\nconst a = 1;\n```');
    expect(doc).toEqual({
      type: 'doc',
      version: 1,
      content: [
        { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Title' }] },
        {
          type: 'paragraph',
          content: [{ type: 'text', text: 'line one' }, { type: 'hardBreak' }, { type: 'text', text: 'line two' }],
        },
        { type: 'codeBlock', attrs: { language: 'ts' }, content: [{ type: 'text', text: 'const a = 1;' }] },
      ],
    });
    expect(isAdfDoc(doc)).toBe(true);
    expect(textToAdf('')).toEqual({ type: 'doc', version: 1, content: [] });
  });

  it('reads mentions, lists and panels back as Markdown that converts back exactly', () => {
    const doc = {
      type: 'doc',
      version: 1,
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'ask ' },
            { type: 'mention', attrs: { id: 'x', text: '@Jane' } },
          ],
        },
        {
          type: 'bulletList',
          content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a' }] }] }],
        },
        {
          type: 'panel',
          attrs: { panelType: 'note' },
          content: [{ type: 'paragraph', content: [{ type: 'text', text: 'note' }] }],
        },
      ],
    };
    const text = adfToText(doc);
    expect(text).toBe('ask @[Jane](accountid:x)\n\n- a\n\n> [!NOTE]\n> note');
    expect(textToAdf(text ?? '')).toEqual(doc);
    expect(adfToText(null)).toBeNull();
    expect(adfToText('wiki *markup*')).toBe('wiki *markup*');
  });

  it('refuses Markdown carrying Confluence storage, which Jira cannot take', () => {
    const md =
      'See <!--adf:{"type":"x-storage-inline","attrs":{"xml":"<ac:link><ri:page ri:content-title=\\"X\\" /></ac:link>"}}-->';
    expect(() => textToAdf(md)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });

  it('refuses Markdown carrying Data Center wiki markup kept verbatim, which Cloud cannot take', () => {
    const md = 'Some <!--adf:{"type":"x-wiki-inline","attrs":{"wiki":"{color:red}"}}-->red';
    expect(() => textToAdf(md)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    expect(() => textToAdf('<!--adf:{"type":"x-wiki","attrs":{"wiki":"{panel:title=x}\\na\\n{panel}"}}-->')).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
  });
});
