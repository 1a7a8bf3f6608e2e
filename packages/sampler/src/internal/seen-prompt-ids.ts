/**
 * Remembers the prompt ids of earlier batches to enforce DESIGN §3's invariant (all candidates
 * of a prompt in one batch). Bounded: it keeps the most recent `capacity` ids (FIFO eviction), so
 * memory does not grow with the dataset; a violation further back than that goes unnoticed.
 */
export class SeenPromptIds {
  private readonly ids = new Set<string>();
  private readonly order: string[] = [];
  private head = 0;

  constructor(private readonly capacity: number) {}

  /** True when `id` was recorded by an earlier batch (within the window). */
  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Records the ids of a finished batch. */
  addAll(ids: readonly string[]): void {
    for (const id of ids) {
      if (this.ids.has(id)) continue;
      this.ids.add(id);
      this.order.push(id);
      if (this.ids.size > this.capacity) this.ids.delete(this.order[this.head++]!);
    }
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
  }

  get size(): number {
    return this.ids.size;
  }
}
