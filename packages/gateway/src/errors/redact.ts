/**
 * Redaction for anything that may end up in a log line or an error body. Structured fields are
 * redacted by pino paths (logging/logger.ts); these functions scrub free text and URLs.
 */

const SECRET_QUERY_PARAMS =
  /([?&](?:access_token|refresh_token|id_token|token|code|client_secret|secret|password|api_key|apikey|key|jwt|signature|sig)=)[^&#\s]*/gi;
// The value may not itself be a scheme word: in `token Bearer abc`, `abc` is the secret.
const BEARER = /\b(Bearer|Basic|Token)\s+(?!(?:Bearer|Basic|Token)\b)[A-Za-z0-9._~+/=-]{4,}/gi;
const API_KEY = /\bsyk_[a-z0-9]+_[A-Za-z0-9_-]{20,}/g;
const ASSIGNED_SECRET =
  /\b((?:access_token|refresh_token|id_token|client_secret|password|passwd|secret|token|api_key|apikey)\s*[=:]\s*)(?!\[REDACTED\])[^\s&,;"')]+/gi;
const JSON_SECRET_FIELD =
  /("(?:access_token|refresh_token|id_token|client_secret|password|secret|token|api_token|private_key)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

/** A connect-session URL carries its single-use token in the path (`/connect/<43 characters>`). */
const CONNECT_SESSION_PATH = /(\/connect\/)[A-Za-z0-9_-]{43}(?=$|[?#/\s"'])/g;

export const REDACTED = '[REDACTED]';

/** Scrub credentials from a URL's query string (`?access_token=…` → `?access_token=[REDACTED]`). */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY_PARAMS, `$1${REDACTED}`).replace(CONNECT_SESSION_PATH, `$1${REDACTED}`);
}

/** Scrub credentials from free text: auth headers, our API keys, secret query params and JSON secret fields. */
export function redactText(text: string): string {
  return redactUrl(text)
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(API_KEY, REDACTED)
    .replace(JSON_SECRET_FIELD, `$1"${REDACTED}"`)
    .replace(ASSIGNED_SECRET, `$1${REDACTED}`);
}
