/**
 * In-process "new events committed" signal. The delivery worker and event streams wake on it instead of waiting
 * for their next poll; they still poll, because other replicas commit events this process never hears about.
 */
export class EventNotifier {
  readonly #listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
