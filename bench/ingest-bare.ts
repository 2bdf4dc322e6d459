// The baseline: a bare fastify endpoint that answers 200 without work (fastify's default JSON body parsing, no
// logging), run as its own process like the gateway. Prints its port on stdout.
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
app.post('/hooks/:id', async () => ({ status: 'accepted' }));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${new URL(address).port}\n`);
process.on('SIGTERM', () => process.exit(0));
