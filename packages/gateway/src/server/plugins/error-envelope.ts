import type { ErrorBody, ErrorCode } from '@switchyard/sdk';
import type { FastifyBaseLogger, FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../../errors/app-error.js';
import { redactText } from '../../errors/redact.js';

const BY_FASTIFY_CODE: Record<string, () => AppError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () =>
    new AppError('PAYLOAD_TOO_LARGE', 'The request body is larger than this gateway accepts. Send a smaller body.'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      'This route takes JSON. Send the body with "Content-Type: application/json".',
    ),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    new AppError('VALIDATION', 'The body is empty but Content-Type says JSON. Send a JSON body or drop the header.'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => new AppError('VALIDATION', 'The body is not valid JSON. Check its syntax.'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new AppError('VALIDATION', 'Content-Length does not match the body that was sent.'),
};

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Map anything thrown inside a request to the one error type. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const fe = err as Partial<FastifyError> & Error;
  if (hasZodFastifySchemaValidationErrors(fe)) {
    const details = fe.validation.map((v) => ({
      path: `${fe.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`.replace(/\.$/, ''),
      message: v.message ?? 'invalid',
    }));
    const summary = details.map((d) => `${d.path}: ${d.message}`).join('; ');
    return new AppError('VALIDATION', `The request is not valid: ${summary}.`, { details });
  }
  const known = fe.code === undefined ? undefined : BY_FASTIFY_CODE[fe.code];
  if (known !== undefined) return known();
  if (fe instanceof SyntaxError && fe.statusCode === 400) {
    return new AppError('VALIDATION', 'The body is not valid JSON. Check its syntax.');
  }
  const status = fe.statusCode;
  const code = status === undefined ? undefined : BY_STATUS[status];
  if (status !== undefined && code !== undefined && status < 500) {
    return new AppError(code, redactText(fe.message || 'The request was refused.'), { status });
  }
  return new AppError(
    'INTERNAL_ERROR',
    'Something failed inside the gateway. Retry; if it keeps failing, report the request_id to the operator.',
    { cause: err },
  );
}

export interface ErrorAnswer {
  status: number;
  /** The Retry-After header's value, when the error says when to retry. */
  retryAfter: string | undefined;
  body: ErrorBody;
}

/**
 * How anything thrown in a request leaves: logged once (5xx with the error, the rest at info, redacted), then
 * its status, Retry-After and envelope. Used by fastify's error handler and by the proxy's fast path.
 */
export function errorAnswer(
  err: unknown,
  requestId: string,
  log: Pick<FastifyBaseLogger, 'error' | 'info'>,
): ErrorAnswer {
  const appErr = toAppError(err);
  if (appErr.status >= 500) log.error({ err }, 'request failed');
  else log.info({ code: appErr.code, status: appErr.status }, redactText(appErr.message));
  return {
    status: appErr.status,
    retryAfter: appErr.retryAfter === undefined ? undefined : String(appErr.retryAfter),
    body: appErr.toBody(requestId),
  };
}

/** Every 4xx/5xx leaves as `{status:"error", code, message, request_id}` (+ retry_after). */
export function registerErrorEnvelope(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const answer = errorAnswer(err, req.id, req.log);
    if (answer.retryAfter !== undefined) reply.header('retry-after', answer.retryAfter);
    return reply.status(answer.status).type('application/json').send(answer.body);
  });
  app.setNotFoundHandler((req, reply) => {
    const body = new AppError(
      'NOT_FOUND',
      `There is no route ${req.method} ${redactText(req.url.split('?')[0] ?? '')}. See /docs for the API reference.`,
    ).toBody(req.id);
    return reply.status(404).type('application/json').send(body);
  });
}
