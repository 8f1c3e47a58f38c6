import * as net from 'node:net';
import type { CauseId } from '../../contracts';
import type { OperationRequest } from '../dispatcher/operations';
import { encodeFrame, encodeJob, FRAME, FrameReader, FrameWriter } from '../dispatcher/wire';
import { MAX_WAIT_CREDIT, runQueueWaitMs, type WaitClock } from '../../patient-timer';

/** How a job came back, already in the gateway's terms: a result, or the cause of a failure. */
export type DispatchOutcome =
  /** `json`: the success body as the dispatcher wrote it (sent to the client as is), absent for an empty 200. */
  | { readonly kind: 'done'; readonly json?: string }
  | { readonly kind: 'refused'; readonly cause: CauseId; readonly message: string; readonly msgId?: string }
  | { readonly kind: 'failed'; readonly cause: CauseId };

/** Where the dispatcher listens: its socket (../dispatcher/server.ts). */
export interface DispatcherAddress {
  readonly path: string;
}

/** Answers are small; a larger frame is not the dispatcher talking. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/**
 * How much later than its deadline a job can be judged because the process stalled, in deadlines. Bounded so
 * that a dispatcher that never answers is still a 504 on a machine that keeps stalling; the slow-dispatcher
 * provider state holds a job far longer.
 */
export const MAX_STALL_CREDIT = 4;

/**
 * How much later than its deadline a job can be judged in all, in deadlines: the stalls above, and the time the
 * kernel counted this thread waiting for a CPU (src/patient-timer.ts's MAX_WAIT_CREDIT more deadlines). A
 * dispatcher that holds a job longer than (1 + MAX_DEADLINE_CREDIT) deadlines is a 504 on any machine.
 */
export const MAX_DEADLINE_CREDIT = MAX_STALL_CREDIT + MAX_WAIT_CREDIT;

interface Pending {
  readonly id: number;
  readonly frame: Buffer;
  readonly resolve: (o: DispatchOutcome) => void;
  /** performance.now() past which the job is answered 504 (moved on when the process stalled). */
  deadline: number;
  /** How far stalls can move the deadline: MAX_STALL_CREDIT deadlines past the first. */
  readonly latest: number;
  /** How far stalls and waiting for a CPU can move it: MAX_DEADLINE_CREDIT deadlines past the first. */
  readonly latestWaiting: number;
  settled: boolean;
  /** A read: may be sent once more on a new connection if the one it went out on closed before answering. */
  mayRetry: boolean;
  link: Link | undefined;
}

/** One connection to the dispatcher and the jobs sent on it that wait for an answer. */
interface Link {
  readonly socket: net.Socket;
  readonly writer: FrameWriter;
  readonly pending: Map<number, Pending>;
  lost: boolean;
}

/**
 * The gateway's client for the dispatcher: one persistent connection to its socket carrying every job as a frame
 * with an id (../dispatcher/wire.ts), the jobs of one event-loop turn in one write, one deadline per
 * job. An HTTP round-trip per job cost three reads and three writes per push (docs/benchmarks.md).
 * It maps what happens on the wire to causes, as on a real second tier: a connection refused (nobody listens at
 * the dispatcher's socket) or dropped 'upstream.unreachable', the deadline passed 'upstream.timeout', overloaded 'upstream.overloaded', a
 * failed job or an answer it cannot read 'upstream.failed'.
 */
export class DispatcherClient {
  private link: Link | undefined;
  private lastId = 0;
  /**
   * Jobs in the order they were handed over. Every job has the same deadline, so this is also the order
   * in which they expire: one timer, armed for the oldest unanswered job, keeps every deadline (a timer
   * per job was a visible share of the hop's cost). Answered jobs leave it lazily.
   */
  private readonly byAge: Pending[] = [];
  private oldest = 0;
  private sweeper: NodeJS.Timeout | undefined;
  /** performance.now() at which the armed sweeper should fire. */
  private due = 0;
  /** The thread's run-queue wait (`waited`) when the sweeper was last armed from idle or last swept. */
  private waitedAt = 0;

  /** `waited`: how long this thread has waited for a CPU (src/patient-timer.ts); injected by tests. */
  constructor(private readonly address: () => DispatcherAddress, private readonly deadlineMs: number, private readonly waited: WaitClock = runQueueWaitMs) {}

  /**
   * `safeToRepeat`: the job only reads (a GET), so it may be sent again if its connection closes under it.
   * `bodyJson`: the body as JSON text when the caller already holds it (the request's own bytes, which
   * parsed to `job.body`), so that it is not serialised again.
   */
  dispatch(job: OperationRequest, safeToRepeat: boolean, bodyJson?: string): Promise<DispatchOutcome> {
    const json = bodyJson ?? (job.body === undefined ? undefined : JSON.stringify(job.body));
    // Ids are uint32 on the wire; they only need to be unique among the jobs in flight.
    this.lastId = this.lastId >= 0xffffffff ? 1 : this.lastId + 1;
    const id = this.lastId;
    const frame = encodeFrame(FRAME.job, id, encodeJob(job, json));
    return new Promise<DispatchOutcome>((resolve) => {
      // The deadline runs from the moment the gateway hands the job over, across a resend.
      const now = performance.now();
      const p: Pending = {
        id, frame, resolve, deadline: now + this.deadlineMs, latest: now + (MAX_STALL_CREDIT + 1) * this.deadlineMs,
        latestWaiting: now + (MAX_DEADLINE_CREDIT + 1) * this.deadlineMs, settled: false, mayRetry: safeToRepeat, link: undefined,
      };
      this.dropAnswered();
      this.byAge.push(p);
      if (!this.sweeper) {
        this.waitedAt = this.waited();
        this.arm(this.deadlineMs);
      }
      this.send(p);
    });
  }

  /**
   * Lets go of the answered jobs at the head of `byAge` now rather than at the next sweep, a deadline
   * later: one request at a time (a verifier, a test) every earlier job is answered, and each one kept a
   * deadline long (with its frame) lived long enough for the garbage collector to move it to the old
   * generation, which costs far more to collect than a job that dies young.
   */
  private dropAnswered(): void {
    const queue = this.byAge;
    let i = this.oldest;
    while (i < queue.length && queue[i].settled) i++;
    this.compact(i);
  }

  /** Drops the handled prefix up to `i` once it is all or a large part of the array, so the array stays as long as what is in flight. */
  private compact(i: number): void {
    const queue = this.byAge;
    if (i === queue.length) {
      queue.length = 0;
      i = 0;
    } else if (i > 1024 && i > queue.length / 2) {
      queue.splice(0, i);
      i = 0;
    }
    this.oldest = i;
  }

  close(): void {
    const link = this.link;
    this.link = undefined;
    if (link) this.lose(link, undefined, false);
    if (this.sweeper) clearTimeout(this.sweeper);
    this.sweeper = undefined;
  }

  private arm(ms: number): void {
    const wait = Math.max(1, Math.ceil(ms));
    this.due = performance.now() + wait;
    // Unref'd: a job in flight holds its socket, which keeps the process alive; an idle service holds nothing.
    this.sweeper = setTimeout(this.sweep, wait).unref();
  }

  /** Answers 504 to every job past its deadline and tells the dispatcher to drop it; re-arms for the next one. */
  private readonly sweep = (): void => {
    this.sweeper = undefined;
    const now = performance.now();
    const queue = this.byAge;
    let i = this.oldest;
    // A sweep that runs late means this process could not run (a loaded machine: other processes, a long
    // synchronous task). Answers that arrived meanwhile are still unread, because the event loop runs timers
    // before it reads sockets, and the dispatcher (in this process when embedded) may not have had its turn:
    // judged now, a job answered promptly would be a 504. So a stall starts the wait again, one deadline from
    // now, up to `latest`: only a dispatcher that takes longer than the deadline while the process runs makes a 504.
    // Likewise the time the kernel kept this thread waiting for a CPU since the last sweep (a loaded machine
    // that never stalls it long enough for a late timer): the embedded dispatcher and the reads of its answers
    // could not run meanwhile, so the jobs in flight get it back, up to `latestWaiting`.
    const tolerance = Math.max(2, this.deadlineMs / 10);
    const waitedNow = this.waited();
    const waited = waitedNow - this.waitedAt;
    this.waitedAt = waitedNow;
    // Both can hold at once: a sweep late because the thread waited for a CPU gets the wait back as well.
    const stalled = now - this.due > tolerance;
    if (stalled || waited > tolerance) {
      for (let j = i; j < queue.length; j++) {
        const p = queue[j];
        if (p.settled) continue;
        let deadline = p.deadline;
        if (waited > tolerance) deadline = Math.min(deadline + waited, p.latestWaiting);
        if (stalled) deadline = Math.max(deadline, Math.min(now + this.deadlineMs, p.latest));
        p.deadline = deadline;
      }
    }
    for (; i < queue.length; i++) {
      const p = queue[i];
      if (p.settled) continue;
      if (p.deadline > now) break;
      expire(p);
    }
    this.compact(i);
    if (this.oldest < queue.length) this.arm(queue[this.oldest].deadline - now);
  };

  private send(p: Pending): void {
    const link = this.connected();
    p.link = link;
    link.pending.set(p.id, p);
    link.writer.send(p.frame);
  }

  private connected(): Link {
    if (this.link && !this.link.lost) return this.link;
    const reader = new FrameReader(
      MAX_ANSWER_BYTES,
      (kind, id, payload) => this.answered(link, kind, id, payload),
      // Skipped unread: for the gateway an answer it cannot take is a failed job.
      (id) => this.answered(link, FRAME.failed, id, Buffer.alloc(0)),
    );
    const socket = net.connect({
      path: this.address().path,
      // Answers are read into one buffer of the link's, straight into the frame reader: no buffer allocated
      // per read and no stream 'data' event. The reader uses each payload before it returns (answered()
      // decodes it) and copies what it keeps of a partial frame, so the next read may reuse the buffer.
      onread: {
        buffer: Buffer.allocUnsafe(64 * 1024),
        callback: (bytes: number, buffer: Uint8Array): boolean => {
          try {
            reader.push(Buffer.from(buffer.buffer, buffer.byteOffset, bytes));
          } catch {
            this.lose(link, undefined);
          }
          return true;
        },
      },
    });
    const link: Link = { socket, writer: new FrameWriter(socket), pending: new Map(), lost: false };
    socket.on('error', (err: NodeJS.ErrnoException) => this.lose(link, err));
    socket.on('close', () => this.lose(link, undefined));
    this.link = link;
    return link;
  }

  private answered(link: Link, kind: number, id: number, payload: Buffer): void {
    const p = link.pending.get(id);
    // Already answered 504 (cancelled): the dispatcher was too late.
    if (!p) return;
    link.pending.delete(id);
    p.settled = true;
    p.resolve(interpret(kind, payload));
  }

  /** The connection is gone: every job on it is answered unreachable, except reads, which get one resend. */
  private lose(link: Link, err: NodeJS.ErrnoException | undefined, resend = true): void {
    if (link.lost) return;
    link.lost = true;
    if (this.link === link) this.link = undefined;
    link.writer.discard();
    link.socket.destroy();
    const pending = [...link.pending.values()];
    link.pending.clear();
    // Refused, or no socket at all (a stopped dispatcher's is removed): nobody listens, and a resend would fail too.
    const refused = err?.code === 'ECONNREFUSED' || err?.code === 'ENOENT';
    for (const p of pending) {
      if (resend && p.mayRetry && !refused) {
        p.mayRetry = false;
        this.send(p);
      } else {
        p.settled = true;
        p.resolve({ kind: 'failed', cause: 'upstream.unreachable' });
      }
    }
  }
}

/** The deadline of a job passed: it is answered 504, and the dispatcher told to drop it. */
function expire(p: Pending): void {
  p.settled = true;
  const link = p.link;
  if (link && link.pending.get(p.id) === p) {
    link.pending.delete(p.id);
    if (!link.lost) link.writer.send(encodeFrame(FRAME.cancel, p.id));
  }
  p.resolve({ kind: 'failed', cause: 'upstream.timeout' });
}

function interpret(kind: number, payload: Buffer): DispatchOutcome {
  switch (kind) {
    case FRAME.done:
      return payload.length === 0 ? { kind: 'done' } : { kind: 'done', json: payload.toString('utf8') };
    case FRAME.overloaded:
      return { kind: 'failed', cause: 'upstream.overloaded' };
    case FRAME.refused: {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
      } catch {
        return { kind: 'failed', cause: 'upstream.failed' };
      }
      if (typeof body.cause !== 'string') return { kind: 'failed', cause: 'upstream.failed' };
      return { kind: 'refused', cause: body.cause as CauseId, message: String(body.message ?? ''), msgId: typeof body.msg_id === 'string' ? body.msg_id : undefined };
    }
    default:
      return { kind: 'failed', cause: 'upstream.failed' };
  }
}
