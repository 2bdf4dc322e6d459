import { describe, expect, it } from 'vitest';
import { sseMessages } from './sse.js';

function body(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
}

async function all(chunks: string[]) {
  const out = [];
  for await (const m of sseMessages(body(chunks))) out.push(m);
  return out;
}

describe('sseMessages', () => {
  it('parses events split anywhere across chunks, skipping comments', async () => {
    const text =
      ': hello\nretry: 2000\n\nid: evt_1\nevent: event\ndata: {"a":1}\n\n: keep-alive\n\nid: evt_2\ndata: x\ndata: y\n\n';
    const split = text.match(/[\s\S]{1,7}/g) ?? [];
    expect(await all(split)).toEqual([
      { id: 'evt_1', event: 'event', data: '{"a":1}' },
      { id: 'evt_2', event: 'message', data: 'x\ny' },
    ]);
  });

  it('accepts CRLF line ends and fields without a space after the colon', async () => {
    expect(await all(['id:e1\r\nevent:event\r\ndata:{}\r\n\r\n'])).toEqual([{ id: 'e1', event: 'event', data: '{}' }]);
  });
});
