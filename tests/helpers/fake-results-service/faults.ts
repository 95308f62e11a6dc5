/**
 * Faults a test queues for the next matching requests: each request that matches takes one
 * from the front of the queue and is answered with that status instead of being served.
 */

export interface Fault {
  /** A Twirp method name (`CreateArtifact`…), `blob-upload`, `blob-download`, or `*` for any. */
  target: string;
  status: number;
}

export class FaultQueue {
  private readonly queued: Fault[] = [];
  /** Faults that were served, in order, so a test can tell its retries happened. */
  readonly served: Fault[] = [];

  /** Answers the next `count` requests to `target` with `status`. */
  burst(target: string, status: number, count = 1): void {
    for (let i = 0; i < count; i++) this.queued.push({ target, status });
  }

  take(target: string): Fault | undefined {
    const index = this.queued.findIndex((fault) => fault.target === target || fault.target === '*');
    if (index < 0) return undefined;
    const [fault] = this.queued.splice(index, 1);
    if (fault) this.served.push(fault);
    return fault;
  }

  get pending(): number {
    return this.queued.length;
  }
}
