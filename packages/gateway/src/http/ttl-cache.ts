import { type Clock, systemClock } from './clock.js';

/**
 * A short-lived cache for slow-changing reads (projects, fields, create metadata, workspaces, spaces).
 * Keys start with the connection id (`cacheKey`), so one connection never sees another's data and a
 * connection's entries can be dropped together. Concurrent misses for one key share one load
 * (single-flight); failed loads are not cached. The entry count is bounded (least recently used goes).
 */
export interface TtlCacheOptions {
  /** How long an entry is served. Default 60 s. */
  ttlMs?: number;
  /** Entries kept at most. Default 1,000. */
  maxEntries?: number;
  clock?: Clock;
}

export interface CacheGetOptions {
  /** Skip the cached value and load afresh (the fresh value is cached). */
  bypass?: boolean;
  /** This entry's lifetime instead of the default. */
  ttlMs?: number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/** `conn_1` + `projects` + `page=2` → `conn_1\u0000projects\u0000page=2`: a separator no part can contain. */
export function cacheKey(connectionId: string, ...parts: string[]): string {
  return [connectionId, ...parts].join('\u0000');
}

export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly inflight = new Map<string, Promise<V>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly clock: Clock;

  constructor(options: TtlCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 1000;
    this.clock = options.clock ?? systemClock;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached value, or the result of `load` (shared with concurrent callers of the same key). */
  async get(key: string, load: () => Promise<V>, options: CacheGetOptions = {}): Promise<V> {
    if (options.bypass !== true) {
      const hit = this.entries.get(key);
      if (hit !== undefined) {
        if (hit.expiresAt > this.clock.now()) {
          this.entries.delete(key); // re-insert: most recently used goes last
          this.entries.set(key, hit);
          return hit.value;
        }
        this.entries.delete(key);
      }
      const pending = this.inflight.get(key);
      if (pending !== undefined) return pending;
    }
    const loading = (async () => load())(); // a load that throws at once still rejects the promise
    this.inflight.set(key, loading);
    try {
      const value = await loading;
      // Store only if nobody invalidated the key (or started a newer load) meanwhile.
      if (this.inflight.get(key) === loading) this.store(key, value, options.ttlMs ?? this.ttlMs);
      return value;
    } finally {
      if (this.inflight.get(key) === loading) this.inflight.delete(key);
    }
  }

  invalidate(key: string): void {
    this.entries.delete(key);
    this.inflight.delete(key);
  }

  /** Drop every entry of a connection (after a write, a reconnect or a deletion). */
  invalidateConnection(connectionId: string): void {
    const prefix = `${connectionId}\u0000`;
    for (const map of [this.entries, this.inflight]) {
      for (const key of map.keys()) if (key === connectionId || key.startsWith(prefix)) map.delete(key);
    }
  }

  clear(): void {
    this.entries.clear();
    this.inflight.clear();
  }

  private store(key: string, value: V, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlMs });
  }
}
