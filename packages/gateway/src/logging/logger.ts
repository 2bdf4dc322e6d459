import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { REDACTED, redactText, redactUrl } from '../errors/redact.js';

/** Structured paths that never reach a log line, wherever they appear in a logged object. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.authorization',
  '*.password',
  '*.secret',
  '*.token',
  '*.key',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.client_secret',
  '*.api_token',
  '*.master_key',
];

interface SerializableRequest {
  id: string;
  method: string;
  url: string;
  ip?: string;
}

const serializers = {
  req: (req: SerializableRequest) => ({ id: req.id, method: req.method, url: redactUrl(req.url), ip: req.ip }),
  err: (err: Error & { code?: string; statusCode?: number }) => ({
    type: err.name,
    code: err.code,
    statusCode: err.statusCode,
    message: redactText(err.message),
    stack: err.stack === undefined ? undefined : redactText(err.stack),
  }),
};

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'switchyard' },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers,
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
