import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { lazyChildLogger } from './lazy-child.js';

function capture(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const parent = pino({ level, redact: { paths: ['secret'], censor: '[REDACTED]' } }, out);
  return { parent, lines };
}

describe('lazyChildLogger', () => {
  it('builds no child for calls at disabled levels, and one child with the bindings on the first real log', () => {
    const { parent, lines } = capture('warn');
    const child = vi.spyOn(parent, 'child');
    const log = lazyChildLogger(parent, { reqId: 'req-1' });
    log.info('not written');
    log.debug({ a: 1 }, 'nor this');
    expect(child).not.toHaveBeenCalled();
    log.warn({ secret: 'tok' }, 'written');
    log.error('again');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines).toMatchObject([
      { level: 40, reqId: 'req-1', msg: 'written', secret: '[REDACTED]' },
      { level: 50, reqId: 'req-1', msg: 'again' },
    ]);
  });

  it('acts as the child for everything else: level, isLevelEnabled, grandchildren, level changes', () => {
    const { parent, lines } = capture('info');
    const log = lazyChildLogger(parent, { reqId: 'req-2' });
    expect(log.level).toBe('info');
    expect(log.isLevelEnabled('debug')).toBe(false);
    log.child({ step: 'x' }).info('nested');
    log.level = 'debug';
    log.debug('now enabled');
    expect(parent.level).toBe('info');
    expect(lines).toMatchObject([
      { reqId: 'req-2', step: 'x', msg: 'nested' },
      { reqId: 'req-2', level: 20, msg: 'now enabled' },
    ]);
  });
});

describe('lazyChildLogger under fastify', () => {
  it('survives fastify’s logger validation without building a child, and builds one when a handler logs', async () => {
    const { default: Fastify } = await import('fastify');
    const { parent, lines } = capture('warn');
    const app = Fastify({ loggerInstance: parent, childLoggerFactory: (l, b, o) => lazyChildLogger(l as never, b, o) });
    app.get('/quiet', async (req) => {
      req.log.info('below the level');
      return { ok: true };
    });
    app.get('/loud', async (req) => {
      req.log.warn('logged');
      return { ok: true };
    });
    await app.ready();
    // Every pino logger's child() is this prototype method (the instance's own logger was made at construction).
    const child = vi.spyOn(Object.getPrototypeOf(parent) as { child: () => unknown }, 'child');
    expect((await app.inject({ method: 'GET', url: '/quiet' })).statusCode).toBe(200);
    expect(child).not.toHaveBeenCalled();
    expect((await app.inject({ method: 'GET', url: '/loud' })).statusCode).toBe(200);
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines.at(-1)).toMatchObject({ msg: 'logged', reqId: expect.any(String) });
    child.mockRestore();
    await app.close();
  });
});
