import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.js';
import type { Runtime } from '../../runtime/runtime.js';
import type { Principal } from '../../services/authenticate.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

/** Require an API key on every route registered in `scope` (the /v1 prefix). */
export function requireApiKey(scope: FastifyInstance, runtime: Runtime): void {
  scope.decorateRequest('principal', undefined);
  scope.addHook('onRequest', async (req) => {
    const tenantHeader = req.headers['x-tenant-id'];
    req.principal = await runtime.authenticator.authenticate(
      req.headers.authorization,
      Array.isArray(tenantHeader) ? tenantHeader[0] : tenantHeader,
    );
  });
}

export function principalOf(req: FastifyRequest): Principal {
  if (req.principal === undefined) throw new AppError('UNAUTHORIZED', 'Missing API key.');
  return req.principal;
}

export function requireAdmin(req: FastifyRequest): Principal {
  const principal = principalOf(req);
  if (!principal.isAdmin)
    throw new AppError('FORBIDDEN', 'Only an admin key may do this. Ask an admin, or use an admin key.');
  return principal;
}
