import { describe, expect, it } from 'vitest';
import { adfToText, isAdfDoc, textToAdf } from './adf.js';

describe('text ⇄ ADF', () => {
  it('builds paragraphs with hard breaks, headings and code blocks', () => {
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
  });

  it('reads text back, keeping the text of nodes it has no syntax for', () => {
    const text = '## Steps\n\nfirst\nsecond\n\n```\nnpm test\n```';
    expect(adfToText(textToAdf(text))).toBe(text);
    const doc = {
      type: 'doc',
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
        { type: 'panel', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'note' }] }] },
      ],
    };
    expect(adfToText(doc)).toBe('ask @Jane\n\n- a\n\nnote');
    expect(adfToText(null)).toBeNull();
    expect(textToAdf('')).toEqual({ type: 'doc', version: 1, content: [] });
  });
});
