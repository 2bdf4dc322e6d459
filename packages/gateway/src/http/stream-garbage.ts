/**
 * Keeps the memory of streamed bodies bounded.
 *
 * Every socket read allocates its buffer outside V8's heap (up to 64 KiB). Once a chunk has been written
 * on to the caller it is garbage, but its memory comes back only when V8 collects the chunk's small JS
 * wrapper. A body streamed at loopback speed allocates almost nothing on the JS heap, so no young
 * collection comes for tens of megabytes. Without help, a 100 MB download through the proxy added 16 to
 * 45 MB of RSS (BENCHMARKS.md).
 *
 * Asking V8 for a young-generation collection after every `everyBytes` of streamed body (process-wide)
 * bounds that garbage. A young collection of a nearly empty young generation takes well under a
 * millisecond. Under ordinary proxy traffic (small bodies), it adds about one collection per 8 MiB
 * served, against hundreds that the traffic triggers itself.
 *
 * It needs V8's `gc` function, which Node exposes with `--expose-gc`; `npm start` passes that flag
 * (docs/configuration.md). Without the flag, this does nothing and streaming works as before.
 */
export class StreamGarbage {
  readonly #collect: NodeJS.GCFunction | undefined;
  readonly #everyBytes: number;
  #since = 0;
  /** Young collections requested so far (for tests). */
  collections = 0;

  constructor(collect: NodeJS.GCFunction | undefined, everyBytes = DEFAULT_EVERY_BYTES) {
    this.#collect = collect;
    this.#everyBytes = everyBytes;
  }

  /** Count `bytes` of body passed on; collect the young generation when the threshold is crossed. */
  streamed(bytes: number): void {
    if (this.#collect === undefined) return;
    this.#since += bytes;
    if (this.#since < this.#everyBytes) return;
    this.#since = 0;
    this.collections++;
    this.#collect({ type: 'minor' });
  }
}

const DEFAULT_EVERY_BYTES = 8 * 1024 * 1024;

/** The process's counter: every proxied body counts towards the same threshold. */
export const streamGarbage = new StreamGarbage(typeof globalThis.gc === 'function' ? globalThis.gc : undefined);
