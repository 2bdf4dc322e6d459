import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  /** Count one answered request (what the onResponse hook does; the proxy's fast path calls it itself). */
  observe(method: string, route: string, status: number, seconds: number): void;
}

/** Prometheus metrics on /metrics; one registry per app so several apps can live in one process (tests). */
export function registerMetrics(app: FastifyInstance): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchyard_' });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'switchyard_http_requests_total',
    help: 'HTTP requests answered, by route template and status',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'switchyard_http_request_duration_seconds',
    help: 'Time to answer HTTP requests',
    labelNames,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // prom-client hashes a label object on every call; the few (method, route, status) series are bound once.
  const series = new Map<string, { count(): void; time(seconds: number): void }>();
  const observe = (method: string, route: string, status: number, seconds: number) => {
    const id = `${method} ${status} ${route}`;
    let s = series.get(id);
    if (s === undefined) {
      const labels = { method, route, status: String(status) };
      const counter = requests.labels(labels);
      const histogram = duration.labels(labels);
      s = { count: () => counter.inc(), time: (seconds) => histogram.observe(seconds) };
      series.set(id, s);
    }
    s.count();
    s.time(seconds);
  };
  app.addHook('onResponse', async (req, reply) => {
    observe(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return { registry, observe };
}
