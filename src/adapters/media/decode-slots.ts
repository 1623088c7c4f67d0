/**
 * At most `size` holders at once; the others wait, first come first served. Decoding a picture takes
 * tens of megabytes and a core for a while, so a process lets only a couple run together: a burst of
 * uploads then queues (and takes longer) instead of running the process out of memory.
 */
export class DecodeSlots {
  private busy = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`decode slots: ${size}`);
  }

  /** How many are running and how many wait (for tests and logs). */
  get state(): { readonly running: number; readonly waiting: number } {
    return { running: this.busy, waiting: this.waiting.length };
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.busy < this.size) {
      this.busy++;
      return Promise.resolve();
    }
    // The slot is handed over directly on release, so `busy` stays counted for the waiter.
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy--;
  }
}
