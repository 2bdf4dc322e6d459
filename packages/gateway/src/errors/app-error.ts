import type { ErrorBody, ErrorCode } from '@switchyard/sdk';
import { errorRegistry } from './registry.js';

export interface AppErrorOptions {
  retryAfter?: number;
  details?: Array<{ path: string; message: string }>;
  cause?: unknown;
  /** Overrides the registry's HTTP status (e.g. VENDOR_ERROR with the vendor's status). */
  status?: number;
}

/** The one error type services throw; the server turns it into the envelope. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryAfter: number | undefined;
  readonly details: Array<{ path: string; message: string }> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? errorRegistry[code].status;
    this.retryAfter = options.retryAfter;
    this.details = options.details;
  }

  toBody(requestId: string): ErrorBody {
    const body: ErrorBody = { status: 'error', code: this.code, message: this.message, request_id: requestId };
    if (this.retryAfter !== undefined) body.retry_after = this.retryAfter;
    if (this.details !== undefined) body.details = this.details;
    return body;
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} was not found in this tenant.`);
export const forbidden = (message: string) => new AppError('FORBIDDEN', message);
