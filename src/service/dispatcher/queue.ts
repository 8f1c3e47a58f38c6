/** A job the queue runs when a worker is free. */
export type Job = () => void;

export class QueueFullError extends Error {
  constructor(capacity: number) {
    super(`work queue full (${capacity} jobs waiting)`);
    this.name = 'QueueFullError';
  }
}

/**
 * A bounded FIFO work queue with a fixed number of workers. Enqueueing into a full queue throws, which
 * the dispatcher answers with 503: the queue never grows without bound under load. Workers can be paused,
 * as during a deploy, and then the queue fills up for real.
 */
export class WorkQueue {
  private readonly jobs: Job[] = [];
  private paused = false;
  private scheduled: NodeJS.Immediate | undefined;

  constructor(readonly capacity: number, private readonly workers: number) {}

  get length(): number {
    return this.jobs.length;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  enqueue(job: Job): void {
    if (this.jobs.length >= this.capacity) throw new QueueFullError(this.capacity);
    this.jobs.push(job);
    this.schedule();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.schedule();
  }

  /** Drops every waiting job (used when the dispatcher stops: nothing waiting was answered yet). */
  clear(): Job[] {
    return this.jobs.splice(0, this.jobs.length);
  }

  /** Cancels the pending drain so no timer outlives the dispatcher. */
  close(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
  }

  private schedule(): void {
    if (this.paused || this.scheduled || this.jobs.length === 0) return;
    // Draining on the next turn lets a burst of requests queue up, as it would behind busy workers.
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.drain();
    });
  }

  private drain(): void {
    // Jobs are synchronous, so each worker takes one job per turn; what is left waits for the next turn.
    for (let i = 0; i < this.workers && !this.paused; i++) {
      const job = this.jobs.shift();
      if (!job) return;
      job();
    }
    this.schedule();
  }
}
