import { describe, expect, it } from 'vitest';
import { markdownToWiki, wikiToAdfNodes, wikiToMarkdown } from './wiki.js';

/** The one normalization the round trip allows: white space at line ends (Jira's editor leaves some). */
const trimLines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trimEnd();

const roundTrip = (wiki: string) => markdownToWiki(wikiToMarkdown(wiki));

/** Issue descriptions and comments as Jira Data Center's editor and its users write them. */
const CORPUS: Record<string, string> = {
  bugReport: `h2. Summary

The *export* job fails with _OutOfMemoryError_ when more than {{10000}} rows are selected.

h2. Steps to reproduce

# Log in as [~jsmith]
# Open *Reports* then _Export_
## Choose "All rows"
## Click *Run*
# Wait a minute

h2. Actual

{code:java}
java.lang.OutOfMemoryError: Java heap space
	at com.example.Export.run(Export.java:42)   
{code}

{noformat}
2026-01-02 03:04:05 ERROR [export] heap *exhausted*
{noformat}

||Environment||Value||
|Version|9.12.4|
|Database|[PostgreSQL 15|https://www.postgresql.org]|

{warning}
Do *not* restart the node during business hours.
{warning}

See [https://jira.example.com/browse/OPS-12] and -the old ticket- OPS-7.`,

  releaseNotes: `h1. Release 4.2 {anchor:r42}

{color:#ff5630}*Breaking:*{color} the API key header changed.\\\\
Please update your clients.

!architecture.png|thumbnail!

* Feature A
** sub-feature with ^TM^ and H~2~O
* Feature B +new+
*# first step
*# second step

{panel:title=Rollout|borderStyle=dashed|borderColor=#ccc}
Wave 1: *internal*
Wave 2: everyone
{panel}

{tip}
Use the {{--dry-run}} flag first.
{tip}

{quote}
Customers asked for this in 2024.

— Support
{quote}

bq. A quick quote.

----

Price is 5 \\* 3 and the path is C:\\temp. Ping [~accountid:5b10ac8d82e05b22cc7d4ef5].

{expand:Details}
Hidden text
{expand}`,

  comment: `Thanks [~mary.o] — reproduced on *staging*.

- checked the logs
- restarted the _worker_

|| Host || Status ||
| app-1 | (/) |
| app-2 | (x) |

{info:title=Workaround}
Set {{export.batch=500}} in _config.properties_.
{info}

{code}
curl -X POST https://example.com/api
{code}`,

  oddities: `A line with snake_case, a - dash, 2026-01-02 dates, 5*3 and a [bracket] {brace}.
*bold across*
plain again

* jump
*** too deep

|a|b|
|c|d|

{code:title=Foo.java|borderStyle=solid}
class Foo {}
{code}

h3. Trailing {status:colour=Green|title=Done}`,
};

describe('Jira wiki markup ⇄ Markdown', () => {
  it.each(Object.entries(CORPUS))('gives the %s wiki markup back exactly through Markdown', (_, wiki) => {
    expect(trimLines(roundTrip(wiki))).toBe(trimLines(wiki));
    // And the Markdown is stable: reading the written wiki again gives the same Markdown.
    const md = wikiToMarkdown(wiki);
    expect(wikiToMarkdown(markdownToWiki(md))).toBe(md);
  });

  it('maps the common constructs to plain Markdown, with no escape', () => {
    const md = wikiToMarkdown(CORPUS.bugReport ?? '');
    expect(md).not.toContain('<!--');
    expect(md).toContain('## Summary');
    expect(md).toContain('The **export** job fails with *OutOfMemoryError* when more than `10000` rows');
    expect(md).toContain('1. Log in as @[jsmith](accountid:jsmith)\n2. Open **Reports** then *Export*\n   1. Choose');
    expect(md).toContain('```java\njava.lang.OutOfMemoryError: Java heap space\n\tat com.example');
    expect(md).toContain('```noformat\n2026-01-02 03:04:05 ERROR [export] heap *exhausted*\n```');
    expect(md).toContain('| Environment | Value |\n| --- | --- |\n| Version | 9.12.4 |');
    expect(md).toContain('[PostgreSQL 15](https://www.postgresql.org)');
    expect(md).toContain('> [!WARNING]\n> Do **not** restart');
    expect(md).toContain('See <https://jira.example.com/browse/OPS-12> and ~~the old ticket~~ OPS-7.');
  });

  it('keeps what Markdown cannot say as exact escapes, the text around them readable', () => {
    const md = wikiToMarkdown(CORPUS.releaseNotes ?? '');
    expect(md).toContain('# Release 4.2 <!--adf:{"type":"x-wiki-inline","attrs":{"wiki":"{anchor:r42}"}}-->');
    expect(md).toContain(
      '<!--adf:{"type":"x-wiki-inline","attrs":{"wiki":"{color:#ff5630}"}}-->**Breaking:<!--adf:{"type":"x-wiki-inline","attrs":{"wiki":"{color}"}}-->** the API',
    );
    expect(md).toContain('<!--adf:{"type":"x-wiki-inline","attrs":{"wiki":"\\\\\\\\"}}-->\nPlease update');
    expect(md).toContain('<!--adf:attrs {"panelType":"custom","xWiki":"title=Rollout\\u007cborderStyle=dashed');
    expect(md).toContain('> [!INFO]\n> Wave 1: **internal**\n> Wave 2: everyone');
    expect(md).toContain('> [!SUCCESS]\n> Use the `--dry-run` flag first.');
    expect(md).toContain('> Customers asked for this in 2024.\n>\n> — Support');
    expect(md).toContain('<!--adf:attrs {"xWiki":"bq"}-->\n> A quick quote.');
    // Unknown block macros stay visible: their tags are escapes, their body text.
    expect(md).toContain('<!--adf:{"type":"x-wiki-inline","attrs":{"wiki":"{expand:Details}"}}-->\nHidden text');
    // A backslash escape that plain text would not give back is kept as written.
    expect(md).toContain('Price is 5 <!--adf:{"type":"x-wiki-inline","attrs":{"wiki":"\\\\*"}}--> 3');
  });

  it('keeps a block it cannot rebuild exactly as one x-wiki escape', () => {
    const nodes = wikiToAdfNodes(CORPUS.oddities ?? '');
    expect(nodes.map((n) => n.type)).toEqual(['paragraph', 'x-wiki', 'table', 'codeBlock', 'heading']);
    expect(nodes[1]).toEqual({ type: 'x-wiki', attrs: { wiki: '* jump\n*** too deep' } });
    expect(nodes[3]).toMatchObject({ attrs: { language: 'title=Foo.java|borderStyle=solid' } });
    expect(wikiToMarkdown('{noformat:borderStyle=solid}\nx\n{noformat}')).toBe(
      '<!--adf:{"type":"x-wiki","attrs":{"wiki":"{noformat:borderStyle=solid}\\nx\\n{noformat}"}}-->',
    );
  });

  it.each([
    ['h3. Title', '### Title'],
    ['*bold* _em_ -struck- {{mono}}', '**bold** *em* ~~struck~~ `mono`'],
    ['*_both_*', '**_both_**'],
    ['[Example|https://example.com]', '[Example](https://example.com)'],
    ['[https://example.com]', '<https://example.com>'],
    ['[~jsmith] hi', '@[jsmith](accountid:jsmith) hi'],
    ['line one\nline two', 'line one\nline two'],
    ['* a\n** b\n* c', '- a\n  - b\n- c'],
    ['# a\n#* b', '1. a\n   - b'],
    ['{code:python}\nprint(1)\n{code}', '```python\nprint(1)\n```'],
    ['{code}\nx\n{code}', '```\nx\n```'],
    ['{noformat}\n*x*\n{noformat}', '```noformat\n*x*\n```'],
    ['{quote}\nq\n{quote}', '> q'],
    ['||h||\n|c|', '| h |\n| --- |\n| c |'],
    [
      '|a|b|\n|c|d|',
      '<!--adf:attrs {"isNumberColumnEnabled":false,"layout":"default","xWiki":"noheader"}-->\n| a | b |\n| --- | --- |\n| c | d |',
    ],
    [
      '|| h || i ||\n| c | d |',
      '<!--adf:attrs {"isNumberColumnEnabled":false,"layout":"default","xWiki":"padded"}-->\n| h | i |\n| --- | --- |\n| c | d |',
    ],
    ['{info}\ni\n{info}', '> [!INFO]\n> i'],
    ['{note}\nn\n{note}', '> [!NOTE]\n> n'],
    ['{warning}\nw\n{warning}', '> [!WARNING]\n> w'],
    ['{tip}\nt\n{tip}', '> [!SUCCESS]\n> t'],
    ['----', '---'],
    ['a \\{b} \\[c]', 'a {b} \\[c\\]'],
  ])('maps %j ⇄ %j', (wiki, md) => {
    expect(wikiToMarkdown(wiki)).toBe(md);
    expect(markdownToWiki(md)).toBe(wiki);
  });

  it('writes canonical Markdown as wiki markup that reads back to the same Markdown', () => {
    const md = [
      '# Plan',
      'Text with **bold**, *em*, ~~gone~~, `code` and a [link](https://example.com "Home").',
      '- one\n- two\n  - nested',
      '<!-- -->',
      '1. first\n2. second',
      '> [!WARNING]\n> Careful with **this**.',
      '> plain quote\n>\n> two paragraphs',
      '| A | B |\n| --- | --- |\n| 1 | 2 |',
      '```js\nlet x = 1;\n```',
      '---',
      '@[jsmith](accountid:jsmith) please look at 5 \\* 3 and \\[x\\] and {y}.',
      '\\- not a list\n\\* nor this',
    ].join('\n\n');
    const wiki = markdownToWiki(md);
    expect(wiki).toContain('h1. Plan\n\nText with *bold*, _em_, -gone-, {{code}} and a [link|https://example.com].');
    expect(wiki).toContain(
      '* one\n* two\n** nested\n\n# first\n# second\n\n{warning}\nCareful with *this*.\n{warning}',
    );
    expect(wiki).toContain('{quote}\nplain quote\n\ntwo paragraphs\n{quote}\n\n||A||B||\n|1|2|');
    expect(wiki).toContain(
      '{code:js}\nlet x = 1;\n{code}\n\n----\n\n[~jsmith] please look at 5 * 3 and \\[x] and \\{y}.',
    );
    expect(wiki).toContain('\\- not a list\n\\* nor this');
    // The link title has no wiki form (lossy); everything else reads back as written.
    expect(wikiToMarkdown(wiki)).toBe(md.replace(' "Home"', ''));
  });

  it('settles Markdown wiki markup cannot hold on its nearest form, then stays put', () => {
    const md = '3. third\n4. fourth\n\n> [!ERROR]\n> bad\n\n- [ ] todo\n- [x] done\n\n@[Jane Doe](accountid:jdoe)';
    const wiki = markdownToWiki(md);
    expect(wiki).toBe('# third\n# fourth\n\n{warning}\nbad\n{warning}\n\n* [ ] todo\n* [x] done\n\n[~jdoe]');
    expect(markdownToWiki(wikiToMarkdown(wiki))).toBe(wiki);
  });

  it('puts blocks one blank line apart: the only layout a round trip changes', () => {
    const tight = 'h2. Steps\n# one\n# two\n\n\n\nDone.';
    expect(roundTrip(tight)).toBe('h2. Steps\n\n# one\n# two\n\nDone.');
    expect(wikiToMarkdown('')).toBe('');
  });

  it('loses nothing but white space on random wiki markup, and settles after one trip', () => {
    // A seeded generator (mulberry32): the same 300 documents on every run.
    let seed = 42;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const tokens = [
      'word',
      ' ',
      ' ',
      '\n',
      '\n\n',
      '*',
      '_',
      '-',
      '+',
      '^',
      '~',
      '{{',
      '}}',
      '[',
      ']',
      '|',
      '||',
      '!',
      '\\',
      '\\\\',
      'h2. ',
      '* ',
      '** ',
      '# ',
      '- ',
      'bq. ',
      '----',
      '{code}',
      '{code:js}',
      '{noformat}',
      '{info}',
      '{panel:title=t}',
      '{panel}',
      '{quote}',
      '{color:red}',
      '{color}',
      '[~bob]',
      '[x|https://e.com]',
      '[https://e.com]',
      '!a.png!',
      ':)',
      '(/)',
      '{',
      '}',
      '#',
      'é',
      '\t',
    ];
    const squeeze = (s: string) => s.replace(/\s+/g, '');
    for (let n = 0; n < 300; n++) {
      let wiki = '';
      const length = 1 + Math.floor(random() * 40);
      for (let k = 0; k < length; k++) wiki += tokens[Math.floor(random() * tokens.length)];
      const once = roundTrip(wiki);
      expect(squeeze(once), JSON.stringify(wiki)).toBe(squeeze(wiki));
      expect(roundTrip(once), JSON.stringify(wiki)).toBe(once);
      const md = wikiToMarkdown(wiki);
      expect(wikiToMarkdown(markdownToWiki(md)), JSON.stringify(wiki)).toBe(md);
    }
  });

  it('refuses Markdown carrying Confluence storage, which Jira cannot hold', () => {
    const md = '<!--adf:{"type":"x-storage","attrs":{"xml":"<ac:structured-macro ac:name=\\"toc\\" />"}}-->';
    expect(() => markdownToWiki(md)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });
});
