/**
 * One generation at a time: a CPU has no spare cores for a second one, and llama.cpp's context holds
 * one conversation. Requests wait in arrival order; one whose client gave up (its signal aborted)
 * leaves the line at once and never reaches the model.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  /** Requests queued or running. */
  get depth(): number {
    return this.waiting;
  }

  /** Runs `task` when every earlier task has finished; rejects with the signal's reason if aborted first. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    this.waiting++;
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    const turn = new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = (): void => reject(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      void previous.then(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
    const result = turn.then(
      () => (signal?.aborted ? Promise.reject(signal.reason) : task()),
    );
    // The slot passes on only when the task is done, or at once for a request that left the line.
    void previous.then(() => result).then(
      () => this.done(release),
      () => this.done(release),
    );
    return result;
  }

  private done(release: () => void): void {
    this.waiting--;
    release();
  }
}
