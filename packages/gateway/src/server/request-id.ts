import { randomFillSync } from 'node:crypto';

const ID_BYTES = 12;
const pool = Buffer.alloc(ID_BYTES * 512);
let offset = pool.length;

/**
 * A new request id: `req_` and 96 random bits in base64url. The random bytes are drawn 6 KiB at a time,
 * so the hot path makes one call into the CSPRNG per 512 requests instead of one per request.
 */
export function newRequestId(): string {
  if (offset >= pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return `req_${id}`;
}
