/** Escape text for HTML element content and double-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A tagged template that escapes every interpolated value unless it is already `Html`. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function html(strings: TemplateStringsArray, ...values: Array<string | number | Html | Html[]>): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    const text = Array.isArray(v)
      ? v.map((h) => h.value).join('')
      : v instanceof Html
        ? v.value
        : escapeHtml(String(v));
    out += text + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/**
 * The page shell: no scripts, no external resources. The Content-Security-Policy the routes send
 * (default-src 'none'; style-src 'unsafe-inline'; form-action 'self') keeps it that way.
 */
export function page(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · Switchyard</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1d2125;line-height:1.5}
h1{font-size:1.4rem}label{display:block;padding:.5rem;border:1px solid #dcdfe4;border-radius:4px;margin:.4rem 0}
small{color:#626f86}button{margin-top:1rem;padding:.5rem 1.2rem;font-size:1rem}.notice{color:#ae2e24}
code{background:#f1f2f4;padding:0 .25rem}
</style>
</head>
<body>
<h1>${title}</h1>
${body}
</body>
</html>
`.value;
}

export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
