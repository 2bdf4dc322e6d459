import { request } from 'node:http';
import { rssOf, watchRss } from './proxy-processes.ts';

const MB = 1024 * 1024;

function send(url: string, key: string, method: string, upload?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { authorization: `Bearer ${key}` } });
    req.on('response', (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    if (upload === undefined) {
      req.end();
      return;
    }
    const chunk = Buffer.alloc(64 * 1024, 0x62);
    let left = upload;
    const pump = () => {
      while (left > 0) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

/**
 * The RSS that streaming one body adds to process `pid`: a 32 MB transfer of the same kind first (the first
 * large transfer of a process sizes its heap once), then the peak during the real one minus the RSS before.
 */
export async function streamThrough(
  pid: number,
  url: string,
  key: string,
  method: string,
  upload?: number,
): Promise<number> {
  const warm = upload === undefined ? url.replace(/\/download\/\d+$/, `/download/${32 * MB}`) : url;
  await send(warm, key, method, upload === undefined ? undefined : 32 * MB);
  const base = rssOf(pid);
  const stop = watchRss(pid, 10);
  await send(url, key, method, upload);
  return stop() - base;
}
