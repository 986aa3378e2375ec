/**
 * A bounded LRU of results. Keys carry the gold versions a result was computed from, so a new
 * version is a new key and can never be answered with old numbers. Pending computations are shared
 * by concurrent identical requests; failures are not cached.
 */
export class ResultCache {
  private readonly entries = new Map<string, Promise<unknown>>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The cached value, or `compute()` stored under `key`; `hit` says which. */
  async getOrCompute<T>(key: string, compute: () => Promise<T>): Promise<{ value: T; hit: boolean }> {
    if (this.capacity === 0) return { value: await compute(), hit: false };
    const existing = this.entries.get(key);
    if (existing) {
      this.entries.delete(key);
      this.entries.set(key, existing);
      return { value: (await existing) as T, hit: true };
    }
    const pending = compute();
    this.entries.set(key, pending);
    pending.catch(() => {
      if (this.entries.get(key) === pending) this.entries.delete(key);
    });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return { value: await pending, hit: false };
  }

  clear(): void {
    this.entries.clear();
  }
}
