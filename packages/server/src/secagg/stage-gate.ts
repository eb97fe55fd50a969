/**
 * One stage's end: opened by the last expected message or by its timeout,
 * whichever comes first, exactly once per arming (Bonawitz et al. 2017, §4:
 * each round of the protocol waits for "at least t" messages or a timeout).
 *
 * @example
 * const gate = new StageGate(10_000, () => sendNextStage());
 * gate.arm(); // ... gate.open() when everyone answered
 */
export class StageGate {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private resolve!: () => void;
  /** Resolves when the current arming opens. */
  opened!: Promise<void>;

  constructor(
    private readonly timeoutMs: number,
    private readonly onOpen: () => void,
  ) {
    this.opened = Promise.resolve();
  }

  /** Start waiting for the next stage. */
  arm(): void {
    this.cancel();
    this.opened = new Promise((resolve) => {
      this.resolve = resolve;
    });
    this.timer = setTimeout(() => this.open(), this.timeoutMs);
  }

  /** End the stage now (no-op when not armed). */
  open(): void {
    if (this.timer === undefined) return;
    this.cancel();
    this.resolve();
    this.onOpen();
  }

  /** Stop the timer without opening. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
