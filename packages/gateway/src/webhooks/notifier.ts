/** What a commit added: events (event streams care) and outbox rows (the delivery worker cares). */
export interface Committed {
  events: number;
  deliveries: number;
}

/**
 * In-process "new events committed" signal. The delivery worker and event streams wake on it instead of waiting
 * for their next poll; they still poll, because other replicas commit events this process never hears about.
 */
export class EventNotifier {
  readonly #listeners = new Set<(what: Committed) => void>();

  subscribe(listener: (what: Committed) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  notify(what: Committed): void {
    for (const listener of this.#listeners) listener(what);
  }
}
