import { describe, expect, it } from 'vitest';
import { redactText, redactUrl } from './redact.js';

describe('redaction', () => {
  it('scrubs credentials from query strings', () => {
    expect(redactUrl('/cb?code=abc&state=s&access_token=xyz#f')).toBe(
      '/cb?code=[REDACTED]&state=s&access_token=[REDACTED]#f',
    );
    expect(redactUrl('/x?token=t1&keep=1')).toBe('/x?token=[REDACTED]&keep=1');
    const session = `${'a'.repeat(21)}_-${'Z'.repeat(20)}`;
    expect(redactUrl(`/connect/${session}`)).toBe('/connect/[REDACTED]');
    expect(redactUrl(`https://gw.example/connect/${session}?x=1`)).toBe('https://gw.example/connect/[REDACTED]?x=1');
    expect(redactUrl('/connect/start/abc.def')).toBe('/connect/start/abc.def');
  });

  it('scrubs auth headers, our API keys and JSON secret fields from text', () => {
    const key = `syk_${'a'.repeat(26)}_${'B'.repeat(43)}`;
    const text = `Authorization: Bearer abc.def.ghi, key ${key}, {"refresh_token":"r-1","name":"ok","client_secret":"c\\"s"}`;
    const out = redactText(text);
    for (const s of ['abc.def.ghi', key, 'r-1', 'c\\"s']) expect(out).not.toContain(s);
    expect(out).toContain('"name":"ok"');
    expect(redactText('connect failed: password=hunter2 user=bob')).toBe(
      'connect failed: password=[REDACTED] user=bob',
    );
    expect(redactText('token: abc123, next')).toBe('token: [REDACTED], next');
    // A scheme word right after another must not shield the secret that follows it.
    expect(redactText('sent token Bearer abc.def.ghi upstream')).not.toContain('abc.def.ghi');
  });
});
