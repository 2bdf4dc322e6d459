import { parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { markdownToAdf } from './md-parse.js';
import { markdownToStorage, storageToMarkdown } from './storage.js';

type Node = ReturnType<typeof parseDocument>['children'][number];

/**
 * Storage XHTML reduced to what it means: attributes sorted, macro ids and schema versions (Confluence's own
 * bookkeeping) dropped, white space collapsed, CDATA as text, and `<li><p>x</p>…</li>` the same as `<li>x…</li>`.
 */
function canonical(xhtml: string): string {
  const unwrap = new Set(['li', 'td', 'th', 'ac:task-body']);
  const walk = (node: Node): string => {
    if (node.type === 'text') return node.data.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    if (node.type === 'cdata') return node.children.map(walk).join('').replace(/</g, '&lt;');
    if (!('attribs' in node)) return '';
    let children = node.children.filter((c) => !(c.type === 'text' && c.data.trim() === ''));
    const paragraphs = children.filter((c) => 'name' in c && c.name === 'p');
    const first = children[0];
    if (unwrap.has(node.name) && paragraphs.length === 1 && first !== undefined && paragraphs[0] === first)
      children = [...(first as { children: Node[] }).children, ...children.slice(1)];
    const attrs = Object.entries(node.attribs)
      .filter(([k]) => k !== 'ac:macro-id' && k !== 'ac:schema-version')
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => ` ${k}="${v}"`)
      .join('');
    return `<${node.name}${attrs}>${children.map(walk).join('')}</${node.name}>`;
  };
  const dom = parseDocument(xhtml, { recognizeSelfClosing: true, recognizeCDATA: true });
  return dom.children
    .map(walk)
    .join('')
    .replace(/\s+/g, ' ')
    .replace(/\s*(<[^>]+>)\s*/g, '$1');
}

/** Pages as Confluence Cloud and Data Center store them. */
const PAGES: Record<string, string> = {
  text: `<h1>Release 4.2</h1><h3>Summary</h3>
<p>Shipped <strong>three</strong> fixes, <em>two</em> <u>underlined</u> <s>struck</s> <code>npm ci</code>,
H<sub>2</sub>O and x<sup>2</sup>, see <a href="https://example.com/a?b=1&amp;c=2">the notes</a>.</p>
<p>Line one<br />line two &amp; &lt;three&gt;&nbsp;end</p><hr /><blockquote><p>Quoted</p></blockquote>`,
  lists: `<ul><li>one</li><li><p>two</p><ol start="3"><li>three</li><li>four</li></ol></li></ul>
<ol><li>first</li><li>second<ul><li>nested <strong>bold</strong></li></ul></li></ol>`,
  code: `<ac:structured-macro ac:name="code" ac:schema-version="1" ac:macro-id="1a2b"><ac:parameter ac:name="language">java</ac:parameter><ac:plain-text-body><![CDATA[if (a < b && c) {
  return "]]]]><![CDATA[>";
}]]></ac:plain-text-body></ac:structured-macro>
<ac:structured-macro ac:name="code" ac:schema-version="1"><ac:plain-text-body><![CDATA[plain]]></ac:plain-text-body></ac:structured-macro>`,
  panels: ['info', 'note', 'warning', 'tip']
    .map(
      (name) =>
        `<ac:structured-macro ac:name="${name}" ac:schema-version="1"><ac:rich-text-body><p>A ${name}</p><ul><li>item</li></ul></ac:rich-text-body></ac:structured-macro>`,
    )
    .join(''),
  mentions: `<p>Ping <ac:link><ri:user ri:account-id="557058:f5c8e8a2-1c1c-4b8c" /></ac:link> and <ac:link><ri:user ri:userkey="8a7f808a" /></ac:link> <ac:emoticon ac:name="smile" /></p>`,
  tables: `<table data-layout="default"><colgroup><col style="width: 200px;" /></colgroup><tbody><tr><th><p>Key</p></th><th><p>Value</p></th></tr>
<tr><td><p>a | b</p></td><td><p><strong>bold</strong></p></td></tr></tbody></table>
<table><tbody><tr><th>Merged</th></tr><tr><td colspan="2">wide</td></tr></tbody></table>`,
  tasks: `<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>Write <strong>docs</strong></ac:task-body></ac:task><ac:task><ac:task-id>2</ac:task-id><ac:task-status>complete</ac:task-status><ac:task-body>Ship</ac:task-body></ac:task></ac:task-list>`,
  storageOnly: `<ac:structured-macro ac:name="toc" ac:schema-version="1"><ac:parameter ac:name="maxLevel">2</ac:parameter></ac:structured-macro>
<p>See <ac:link><ri:page ri:content-title="Other page" ri:space-key="DEV" /><ac:plain-text-link-body><![CDATA[the other page]]></ac:plain-text-link-body></ac:link>, state <ac:structured-macro ac:name="status" ac:schema-version="1"><ac:parameter ac:name="colour">Green</ac:parameter><ac:parameter ac:name="title">Done</ac:parameter></ac:structured-macro> on <time datetime="2026-11-23" /></p>
<p><ac:image ac:height="250"><ri:attachment ri:filename="diagram.png" /></ac:image></p>
<ac:structured-macro ac:name="expand" ac:schema-version="1"><ac:parameter ac:name="title">Details</ac:parameter><ac:rich-text-body><p>Hidden</p></ac:rich-text-body></ac:structured-macro>
<ac:structured-macro ac:name="info" ac:schema-version="1"><ac:parameter ac:name="title">Titled</ac:parameter><ac:rich-text-body><p>kept whole</p></ac:rich-text-body></ac:structured-macro>`,
};

describe('storage → Markdown → storage', () => {
  for (const [name, page] of Object.entries(PAGES)) {
    it(`keeps ${name}`, () => {
      const md = storageToMarkdown(page);
      expect(canonical(markdownToStorage(md))).toBe(canonical(page));
      // And the Markdown is stable from then on.
      expect(storageToMarkdown(markdownToStorage(md))).toBe(md);
    });
  }

  it('reads storage as plain Markdown where Markdown has the construct', () => {
    const md = (name: string) => storageToMarkdown(PAGES[name] ?? '');
    expect(md('text')).toBe(
      '# Release 4.2\n\n### Summary\n\nShipped **three** fixes, *two* <!--adf:{"type":"text","text":"underlined","marks":[{"type":"underline"}]}--> ~~struck~~ `npm ci`, H<!--adf:{"type":"text","text":"2","marks":[{"type":"subsup","attrs":{"type":"sub"}}]}-->O and x<!--adf:{"type":"text","text":"2","marks":[{"type":"subsup","attrs":{"type":"sup"}}]}-->, see [the notes](https://example.com/a?b=1&c=2).\n\nLine one\nline two & \\<three>\u00a0end\n\n---\n\n> Quoted',
    );
    expect(md('lists')).toBe(
      '- one\n- two\n\n  3. three\n  4. four\n\n<!-- -->\n\n1. first\n2. second\n   - nested **bold**',
    );
    expect(md('code')).toBe('```java\nif (a < b && c) {\n  return "]]>";\n}\n```\n\n```\nplain\n```');
    expect(md('panels')).toContain('> [!SUCCESS]\n> A tip\n>\n> - item');
    expect(md('mentions')).toContain(
      'Ping @[](accountid:557058:f5c8e8a2-1c1c-4b8c) and <!--adf:{"type":"x-storage-inline"',
    );
    expect(md('mentions')).toContain(':smile:');
    expect(md('tables')).toContain('| Key | Value |\n| --- | --- |\n| a \\| b | **bold** |');
    expect(md('tasks')).toBe(
      '- [ ] Write **docs** <!--adf:attrs {"localId":"1"}-->\n- [x] Ship <!--adf:attrs {"localId":"2"}-->',
    );
    expect(md('storageOnly')).toContain(
      '<!--adf:{"type":"x-storage","attrs":{"xml":"<ac:structured-macro ac:name=\\"toc\\"',
    );
  });
});

describe('Markdown → storage', () => {
  it('writes the storage elements Confluence expects', () => {
    const md = [
      '## Plan',
      'Ask @[Ann](accountid:557058:1) about **the _API_** & [docs](https://x.io "Docs").',
      '> [!NOTE]\n> Careful',
      '> [!ERROR]\n> Broken',
      '```ts\nconst x = "]]>";\n```',
      '- [ ] one\n- [x] two',
      '| A | B |\n| --- | --- |\n| 1 | 2 |',
      '3. c\n4. d',
      '![logo](https://x.io/l.png)',
    ].join('\n\n');
    expect(markdownToStorage(md)).toBe(
      [
        '<h2>Plan</h2>',
        '<p>Ask <ac:link><ri:user ri:account-id="557058:1" /></ac:link> about <strong>the <em>API</em></strong> &amp; <a href="https://x.io" title="Docs">docs</a>.</p>',
        '<ac:structured-macro ac:name="note" ac:schema-version="1"><ac:rich-text-body><p>Careful</p></ac:rich-text-body></ac:structured-macro>',
        '<ac:structured-macro ac:name="warning" ac:schema-version="1"><ac:rich-text-body><p>Broken</p></ac:rich-text-body></ac:structured-macro>',
        '<ac:structured-macro ac:name="code" ac:schema-version="1"><ac:parameter ac:name="language">ts</ac:parameter><ac:plain-text-body><![CDATA[const x = "]]]]><![CDATA[>";]]></ac:plain-text-body></ac:structured-macro>',
        '<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>one</ac:task-body></ac:task><ac:task><ac:task-id>2</ac:task-id><ac:task-status>complete</ac:task-status><ac:task-body>two</ac:task-body></ac:task></ac:task-list>',
        '<table><tbody><tr><th><p>A</p></th><th><p>B</p></th></tr><tr><td><p>1</p></td><td><p>2</p></td></tr></tbody></table>',
        '<ol start="3"><li><p>c</p></li><li><p>d</p></li></ol>',
        '<ac:image ac:alt="logo"><ri:url ri:value="https://x.io/l.png" /></ac:image>',
      ].join(''),
    );
  });

  it('writes ADF-only escapes as the nearest storage, or their text', () => {
    const status = '<!--adf:{"type":"status","attrs":{"text":"Done","color":"green"}}-->';
    const expand =
      '<!--adf:{"type":"expand","attrs":{"title":"More"},"content":[{"type":"paragraph","content":[{"type":"text","text":"x"}]}]}-->';
    const decision =
      '<!--adf:{"type":"decisionList","attrs":{"localId":"d"},"content":[{"type":"decisionItem","attrs":{"localId":"e","state":"DECIDED"},"content":[{"type":"text","text":"Go"}]}]}-->';
    expect(markdownToAdf(`State ${status}`).content[0]?.content?.[1]?.type).toBe('status');
    expect(markdownToStorage(`State ${status}\n\n${expand}\n\n${decision}`)).toBe(
      '<p>State <ac:structured-macro ac:name="status" ac:schema-version="1"><ac:parameter ac:name="colour">Green</ac:parameter><ac:parameter ac:name="title">Done</ac:parameter></ac:structured-macro></p>' +
        '<ac:structured-macro ac:name="expand" ac:schema-version="1"><ac:parameter ac:name="title">More</ac:parameter><ac:rich-text-body><p>x</p></ac:rich-text-body></ac:structured-macro>' +
        '<p>Go</p>',
    );
  });
});
