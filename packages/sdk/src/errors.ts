import type { ErrorBody, ErrorCode } from './contract.js';

/** Thrown by the client for every non-2xx answer, carrying the gateway's error envelope. */
export class SwitchyardError extends Error {
  override readonly name = 'SwitchyardError';
  readonly status: number;
  readonly code: ErrorCode | 'NETWORK_ERROR' | 'BAD_RESPONSE';
  readonly requestId: string | undefined;
  readonly retryAfter: number | undefined;
  readonly body: ErrorBody | undefined;

  constructor(status: number, body: ErrorBody | undefined, fallbackMessage: string) {
    super(body?.message ?? fallbackMessage);
    this.status = status;
    this.body = body;
    this.code = body?.code ?? (status === 0 ? 'NETWORK_ERROR' : 'BAD_RESPONSE');
    this.requestId = body?.request_id;
    this.retryAfter = body?.retry_after;
  }
}

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.status === 'error' && typeof v.code === 'string' && typeof v.message === 'string';
}
