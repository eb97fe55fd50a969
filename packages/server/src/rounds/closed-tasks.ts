/**
 * Task ids of rounds that have closed, bounded FIFO. Lets the coordinator
 * answer a late update with ROUND_CLOSED (not UNKNOWN_TASK), even after the
 * run itself has finished.
 */
export class ClosedTasks {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  add(taskId: string): void {
    this.ids.add(taskId);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
  }

  has(taskId: string): boolean {
    return this.ids.has(taskId);
  }
}
