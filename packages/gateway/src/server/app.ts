import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { countRefreshes } from '../auth/refresh-metrics.js';
import { AppError } from '../errors/app-error.js';
import { lazyChildLogger } from '../logging/lazy-child.js';
import type { Runtime } from '../runtime/runtime.js';
import { ConnectionProxy } from '../services/proxy.js';
import { firstOf } from './fast-path.js';
import { ingestFastPath } from './ingest-fast-path.js';
import { requireApiKey } from './plugins/authenticate.js';
import { registerErrorEnvelope } from './plugins/error-envelope.js';
import { type Metrics, registerMetrics } from './plugins/metrics.js';
import { proxyFastPath } from './proxy-fast-path.js';
import { newRequestId } from './request-id.js';
import { bitbucketRoutes } from './routes/bitbucket.js';
import { bitbucketPipelinesRoutes } from './routes/bitbucket-pipelines.js';
import { bitbucketPullsRoutes } from './routes/bitbucket-pulls.js';
import { bitbucketRepoRoutes } from './routes/bitbucket-repo.js';
import { confluenceRoutes } from './routes/confluence.js';
import { confluencePollingRoutes } from './routes/confluence-polling.js';
import { connectRoutes } from './routes/connect.js';
import { connectBrowserRoutes } from './routes/connect-browser.js';
import { connectionRoutes } from './routes/connections.js';
import { deliveryRoutes } from './routes/deliveries.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { hookRoutes } from './routes/hooks.js';
import { ingestRoutes } from './routes/ingest.js';
import { jiraRoutes } from './routes/jira.js';
import { jiraMetaRoutes } from './routes/jira-meta.js';
import { keyRoutes } from './routes/keys.js';
import { oauthAppRoutes } from './routes/oauth-apps.js';
import { oauthCallbackRoutes } from './routes/oauth-callback.js';
import { providerRoutes } from './routes/providers.js';
import { proxyRoutes } from './routes/proxy.js';
import { subscriptionRoutes } from './routes/subscriptions.js';
import { tenantRoutes } from './routes/tenants.js';
import { webhookSyncRoutes } from './routes/webhook-sync.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface App {
  app: FastifyInstance;
  /** Stop answering new requests with work (they get SERVICE_UNAVAILABLE) and close the server. */
  shutdown(): Promise<void>;
}

export async function buildApp(runtime: Runtime): Promise<App> {
  const { config } = runtime;
  let closing = false;
  const requestId = (req: IncomingMessage) => {
    const given = req.headers['x-request-id'];
    return typeof given === 'string' && REQUEST_ID.test(given) ? given : newRequestId();
  };
  // The proxy's and the webhook ingest's fast paths answer their requests before fastify sees them (set once the
  // app is built).
  let fastPath: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  const app = Fastify({
    serverFactory: (handler, options) => {
      const server = createServer((req, res) => {
        if (fastPath === undefined || !fastPath(req, res)) handler(req, res);
      });
      // What fastify does to the server it creates itself (its defaults: 72 s keep-alive, no request timeout).
      const num = (v: unknown, fallback: number) => (typeof v === 'number' ? v : fallback);
      server.keepAliveTimeout = num(options.keepAliveTimeout, 72_000);
      server.requestTimeout = num(options.requestTimeout, 0);
      server.setTimeout(num(options.connectionTimeout, 0));
      return server;
    },
    loggerInstance: runtime.logger as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    return503OnClosing: false,
    requestIdHeader: false,
    childLoggerFactory: (logger, bindings, options) => lazyChildLogger(logger as Logger, bindings, options),
    genReqId: requestId,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: a text/plain body is refused with UNSUPPORTED_MEDIA_TYPE, not half-parsed.
  app.removeContentTypeParser('text/plain');
  registerErrorEnvelope(app);

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    if (closing) {
      throw new AppError('SERVICE_UNAVAILABLE', 'The gateway is shutting down. Retry against another instance.', {
        retryAfter: 1,
      });
    }
  });

  // While closing, every answer (in-flight ones included) closes its connection, so keep-alive
  // sockets do not hold the shutdown open until they time out.
  app.addHook('onSend', async (_req, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins,
      credentials: false,
      exposedHeaders: ['x-request-id', 'retry-after'],
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Switchyard API',
        version: '0.1.0',
        description:
          'Self-hosted gateway to Jira, Confluence and Bitbucket. Errors use one envelope: see docs/errors.md.',
      },
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A Switchyard API key (syk_…)' } },
      },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  let metrics: Metrics | undefined;
  if (config.metricsEnabled) {
    metrics = registerMetrics(app);
    const stopCounting = countRefreshes(metrics.registry, runtime.grants);
    app.addHook('onClose', async () => stopCounting());
  }
  await app.register(healthRoutes(runtime));
  await app.register(connectBrowserRoutes(runtime));
  await app.register(oauthCallbackRoutes(runtime));
  await app.register(ingestRoutes(runtime));
  await app.register(async (v1) => {
    requireApiKey(v1, runtime);
    await v1.register(tenantRoutes(runtime));
    await v1.register(keyRoutes(runtime));
    await v1.register(providerRoutes(runtime));
    await v1.register(connectionRoutes(runtime));
    await v1.register(proxyRoutes(runtime));
    await v1.register(jiraRoutes(runtime));
    await v1.register(jiraMetaRoutes(runtime));
    await v1.register(confluenceRoutes(runtime));
    await v1.register(bitbucketRoutes(runtime));
    await v1.register(bitbucketRepoRoutes(runtime));
    await v1.register(bitbucketPullsRoutes(runtime));
    await v1.register(bitbucketPipelinesRoutes(runtime));
    await v1.register(connectRoutes(runtime));
    await v1.register(oauthAppRoutes(runtime));
    await v1.register(hookRoutes(runtime));
    await v1.register(webhookSyncRoutes(runtime));
    await v1.register(confluencePollingRoutes(runtime));
    await v1.register(subscriptionRoutes(runtime));
    await v1.register(eventRoutes(runtime));
    await v1.register(deliveryRoutes(runtime));
  });

  const fastPathDeps = { runtime, requestId, closing: () => closing, observe: metrics?.observe };
  fastPath = firstOf(
    proxyFastPath({ ...fastPathDeps, proxy: new ConnectionProxy(runtime, runtime.targets) }),
    ingestFastPath(fastPathDeps),
  );

  return {
    app,
    shutdown: async () => {
      closing = true;
      await app.close();
    },
  };
}
