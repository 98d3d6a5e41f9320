/**
 * Runs an async task on demand, at most once per `minIntervalMs`, on the leading and the
 * trailing edge: the first trigger runs at once; triggers during the interval or while the
 * task runs collapse into one more run when the interval is over. Never two runs at once.
 * maglevd-frontend reads VPP's lb state through one of these, so a burst of transitions costs
 * two reads, not one per transition.
 *
 * @internal
 */
export class CoalescingRunner {
  readonly #task: () => Promise<void>;
  readonly #minIntervalMs: number;
  #running: Promise<void> | null = null;
  #pending = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #lastStart = Number.NEGATIVE_INFINITY;
  #closed = false;
  #runs = 0;

  constructor(task: () => Promise<void>, minIntervalMs: number) {
    this.#task = task;
    this.#minIntervalMs = minIntervalMs;
  }

  /** How many times the task has started. */
  get runs(): number {
    return this.#runs;
  }

  trigger(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#pending = true;
      return;
    }
    if (this.#timer) return;
    const wait = this.#lastStart + this.#minIntervalMs - Date.now();
    if (wait <= 0) this.#start();
    else
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#start();
      }, wait);
  }

  #start(): void {
    if (this.#closed) return;
    this.#lastStart = Date.now();
    this.#pending = false;
    this.#runs++;
    this.#running = this.#task()
      .catch(() => {
        // The task reports its own failures; a failed run must not stop later ones.
      })
      .finally(() => {
        this.#running = null;
        if (this.#pending) {
          this.#pending = false;
          this.trigger();
        }
      });
  }

  /** Cancels a pending run and waits for a running one. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }
}
