// The stand-in of bench/ingest-headroom.ts, run as its own process like the gateway: the gateway's ingest path with
// the event log replaced by a dial. The main thread takes the request, checks its X-Hub-Signature over the raw bytes
// with the gateway's own check (HEADROOM_SECRET, the bench's hook secret), and posts the body to a worker thread,
// the requests of one turn of the event loop in one message. The worker decodes and parses the JSON, then spins
// HEADROOM_WORK_US µs per delivery (the stand-in for normalizing and storing), and answers each turn's deliveries
// in one message. The main thread then answers 200. Prints its port on stdout.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { verifyHubSignature } from '../packages/gateway/dist/webhooks/verify-hmac.js';

interface Job {
  seq: number;
  body: Uint8Array;
}

if (isMainThread) await main();
else worker();

async function main() {
  // Loaded here, not at the top: the worker runs this file too, and like the gateway's ingest thread it has no
  // HTTP server.
  const { default: Fastify } = await import('fastify');
  const secret = process.env.HEADROOM_SECRET ?? '';
  const workUs = Number(process.env.HEADROOM_WORK_US ?? 0);
  const thread = new Worker(new URL(import.meta.url), { workerData: { workUs }, name: 'headroom-worker' });
  const pending = new Map<number, () => void>();
  thread.on('message', (seqs: number[]) => {
    for (const seq of seqs) {
      pending.get(seq)?.();
      pending.delete(seq);
    }
  });
  let seq = 0;
  let outbox: { jobs: Job[]; transfer: ArrayBuffer[] } | undefined;
  const post = (job: Job) => {
    if (outbox === undefined) {
      const posting = { jobs: [] as Job[], transfer: [] as ArrayBuffer[] };
      outbox = posting;
      setImmediate(() => {
        outbox = undefined;
        thread.postMessage(posting.jobs, posting.transfer);
      });
    }
    outbox.jobs.push(job);
    outbox.transfer.push(job.body.buffer as ArrayBuffer);
  };

  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.post('/hooks/*', async (request, reply) => {
    const raw = request.body as Buffer;
    const verified = verifyHubSignature(raw, request.headers['x-hub-signature'], [secret]);
    if (!verified.ok) return reply.code(401).send({ error: verified.detail });
    const body = new Uint8Array(raw); // a copy of its own, moved to the worker as the gateway's is
    const id = ++seq;
    await new Promise<void>((resolve) => {
      pending.set(id, resolve);
      post({ seq: id, body });
    });
    return { status: 'accepted' };
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${new URL(address).port}\n`);
  process.on('SIGTERM', () => process.exit(0));
}

function worker() {
  const port = parentPort;
  if (port === null) return;
  const workMs = (workerData as { workUs: number }).workUs / 1000;
  const decoder = new TextDecoder();
  port.on('message', (jobs: Job[]) => {
    const seqs: number[] = [];
    for (const job of jobs) {
      const value: unknown = JSON.parse(decoder.decode(job.body));
      if (typeof value !== 'object' || value === null) throw new Error(`delivery ${job.seq} is not a JSON object`);
      const end = performance.now() + workMs;
      while (performance.now() < end) {
        // the dial: CPU the gateway would spend normalizing and storing this delivery
      }
      seqs.push(job.seq);
    }
    port.postMessage(seqs);
  });
}
