import proxy from '@fastify/http-proxy';
import Fastify from 'fastify';

/**
 * Baseline (b): the least a forwarder can do. @fastify/http-proxy on fastify, no logging, forwarding the
 * gateway's proxy paths to the upstream and adding one Authorization header. Prints its URL on stdout.
 */
const upstream = process.argv[2];
if (upstream === undefined) throw new Error('usage: bare-forwarder.ts <upstream url>');
const app = Fastify({ logger: false });
await app.register(proxy, {
  upstream,
  prefix: '/v1/connections/:connection_id/proxy',
  rewritePrefix: '',
  replyOptions: {
    rewriteRequestHeaders: (_req, headers) => ({ ...headers, authorization: 'Bearer bench-token' }),
  },
});
console.log(await app.listen({ host: '127.0.0.1', port: 0 }));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
