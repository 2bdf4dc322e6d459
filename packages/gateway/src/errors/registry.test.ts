import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.js';
import { errorRegistry } from './registry.js';

const DOC = fileURLToPath(new URL('../../../../docs/errors.md', import.meta.url));

function documentedCodes(markdown: string): Array<[string, number, string]> {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^\|\s*Code\s*\|\s*HTTP status\s*\|\s*Meaning\s*\|/.test(l));
  if (start < 0) throw new Error('docs/errors.md has no "| Code | HTTP status | Meaning |" table');
  const rows: Array<[string, number, string]> = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const [code, status, ...meaning] = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    rows.push([/^`(.+)`$/.exec(code ?? '')?.[1] ?? `!${code}`, Number(status), meaning.join('|').trim()]);
  }
  return rows;
}

describe('error registry', () => {
  it('matches docs/errors.md code for code, status for status, line for line', () => {
    const documented = documentedCodes(readFileSync(DOC, 'utf8'));
    const code = Object.entries(errorRegistry).map(([c, d]): [string, number, string] => [c, d.status, d.doc]);
    expect(documented).toEqual(code);
  });

  it('has the codes the API promises, each with a 4xx/5xx status', () => {
    for (const c of [
      'VALIDATION',
      'UNAUTHORIZED',
      'FORBIDDEN',
      'NOT_FOUND',
      'CONFLICT',
      'NOT_CONNECTED',
      'REAUTH_REQUIRED',
      'TOKEN_EXPIRED',
      'RATE_LIMITED',
      'VENDOR_ERROR',
      'UPSTREAM_UNAVAILABLE',
      'PAYLOAD_TOO_LARGE',
      'INTERNAL_ERROR',
    ] as const) {
      expect(errorRegistry[c].status).toBeGreaterThanOrEqual(400);
    }
  });

  it('builds the envelope with retry_after only where it applies', () => {
    expect(new AppError('RATE_LIMITED', 'wait', { retryAfter: 7 }).toBody('req_1')).toEqual({
      status: 'error',
      code: 'RATE_LIMITED',
      message: 'wait',
      request_id: 'req_1',
      retry_after: 7,
    });
    expect(new AppError('NOT_FOUND', 'gone').toBody('req_2')).toEqual({
      status: 'error',
      code: 'NOT_FOUND',
      message: 'gone',
      request_id: 'req_2',
    });
  });
});
