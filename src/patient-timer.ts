/**
 * Timers that count the time this thread could run. On a loaded machine a thread waits for a CPU, or is
 * stalled (descheduled, or busy with a long synchronous task); when it runs again Node fires the due timers
 * before it reads its sockets, so a plain timer beats an answer that arrived in time and waits unread, and a
 * peer in the same process (a test's server, the embedded dispatcher) had no chance to answer at all. Every
 * timer that judges a peer (a request timeout, a hang bound, a deadline) uses this one instead, so the verdict
 * depends on what the peer did, not on how fast the machine ran this process (docs/development.md, "Timing on
 * a loaded machine").
 */
import { closeSync, openSync, readSync } from 'node:fs';
// The timers module's own function: a thread whose global setTimeout was made patient still arms plain ones here.
import { setTimeout as plainSetTimeout } from 'node:timers';

/** How many more timeouts a wait can be given because its thread stalled (a timer that fired late). */
export const MAX_STALL_CREDIT = 2;

/**
 * How many more timeouts a wait can be given because its thread waited for a CPU (the kernel's count). Larger:
 * a thread that gets a tenth of a CPU (load ~20 on two cores) needs ten times the wall time for the same work,
 * and a thread waiting on a peer that never answers sleeps, so it accrues almost none of it.
 */
export const MAX_WAIT_CREDIT = 10;

/** The longest a patient timeout can take, in timeouts: a bound for whoever waits on one from outside. */
export const PATIENT_TIMEOUT_BOUND = 1 + MAX_STALL_CREDIT + MAX_WAIT_CREDIT;

/** Where Linux counts a thread's time runnable but not running: the second field, in nanoseconds. */
const OWN_SCHEDSTAT = '/proc/thread-self/schedstat';
let schedstatReadable = true;

/**
 * Open descriptors of the schedstat files read, so a read is one pread (~6 us of CPU) instead of an open, a read
 * and a close (~54 us, plain node): every patient timer reads it when it starts and when it fires, a worker's
 * timers two files, a few thousand reads per resilience matrix run. `/proc/thread-self` resolves when opened,
 * and each thread has its own module state, so the descriptor is the opening thread's. At most a few files.
 */
const descriptors = new Map<string, number>();
const MAX_DESCRIPTORS = 8;
const readBuffer = Buffer.alloc(256);

function forget(file: string): void {
  const fd = descriptors.get(file);
  descriptors.delete(file);
  if (fd !== undefined) {
    try {
      closeSync(fd);
    } catch {
      // already closed: nothing to release
    }
  }
}

/**
 * Milliseconds a thread has spent waiting for a CPU while it was ready to run (the kernel's run-queue wait,
 * `/proc/<tid>/schedstat`), the time a loaded machine kept it from running; 0 where the kernel does not say
 * (then only a late timer tells a stall). `file` defaults to the calling thread's own.
 */
export function runQueueWaitMs(file: string = OWN_SCHEDSTAT): number {
  if (!schedstatReadable) return 0;
  try {
    let fd = descriptors.get(file);
    if (fd === undefined) {
      if (descriptors.size >= MAX_DESCRIPTORS) forget(descriptors.keys().next().value as string);
      fd = openSync(file, 'r');
      descriptors.set(file, fd);
    }
    // From offset 0: the kernel renders the file afresh for each read there.
    const length = readSync(fd, readBuffer, 0, readBuffer.length, 0);
    const waitNs = Number(readBuffer.toString('latin1', 0, length).split(' ')[1]);
    return Number.isFinite(waitNs) ? waitNs / 1e6 : 0;
  } catch {
    forget(file); // the thread may have ended
    if (file === OWN_SCHEDSTAT) schedstatReadable = false;
    return 0;
  }
}

/** Milliseconds the threads that a wait depends on have waited for a CPU, cumulative (see runQueueWaitMs). */
export type WaitClock = () => number;

/** Who a wait depends on, besides this thread's own time (default: this thread's run-queue wait only). */
export interface Patience {
  /** Run-queue wait of the threads the answer depends on (this one's by default; a worker adds its answering thread's). */
  readonly waited?: WaitClock;
  /**
   * For how long the thread that answers (another thread) has been unable to run right now, in ms (0 when it
   * runs): a worker thread's client whose answers come from the test's thread is judged while that thread is
   * stalled, so its timer does not fire late, yet the answer has not been written.
   */
  readonly peerStalledMs?: () => number;
}

/**
 * The judgement behind patientTimeout, for whoever arms the timers: called when a timer of `ms` (or a re-armed
 * one) fires, with performance.now(), it returns how many ms more to wait, or undefined when the time is up.
 */
export function patience(ms: number, { waited = runQueueWaitMs, peerStalledMs }: Patience = {}): (now: number) => number | undefined {
  const start = performance.now();
  const waitedAtStart = waited();
  const tolerance = Math.max(5, ms / 50);
  const maxStall = MAX_STALL_CREDIT * ms;
  let stallCredit = 0;
  let due = start + ms;
  return (now) => {
    // The time the machine kept this thread (and the peer's, when `waited` counts it) from running.
    const waitCredit = Math.min(waited() - waitedAtStart, MAX_WAIT_CREDIT * ms);
    const owed = start + ms + waitCredit + stallCredit;
    if (owed - now > tolerance) {
      due = owed;
      return owed - now;
    }
    // Late: answers that came meanwhile are unread (Node runs due timers before it reads sockets); give its
    // length back. Or the answering thread is stalled now: give back how long it has been.
    const late = Math.max(now - due, peerStalledMs?.() ?? 0);
    if (late > tolerance && stallCredit < maxStall) {
      stallCredit = Math.min(stallCredit + (now + late - owed), maxStall);
      due = start + ms + waitCredit + stallCredit;
      return Math.max(1, due - now);
    }
    return undefined;
  };
}

/**
 * Calls `onTimeout` after `ms` of time in which this thread could run. Two things are given back: the time the
 * thread waited for a CPU meanwhile (the kernel's count; by default this thread's), up to MAX_WAIT_CREDIT
 * timeouts, and the lateness of a timer that fires late (a stall: a long synchronous task, a stopped process),
 * up to MAX_STALL_CREDIT timeouts, because what happened meanwhile (an answer read, a retry sent) has not been
 * processed yet. So a peer that never answers is still timed out, at most PATIENT_TIMEOUT_BOUND timeouts after
 * the start, on a machine that keeps stalling. Returns the cancel function. The signature is PushClient's `timer`.
 */
export function patientTimeout(ms: number, onTimeout: () => void, options?: Patience): () => void {
  const more = patience(ms, options);
  let timer: NodeJS.Timeout;
  const fire = (): void => {
    const wait = more(performance.now());
    if (wait === undefined) onTimeout();
    else timer = plainSetTimeout(fire, wait);
  };
  timer = plainSetTimeout(fire, ms);
  return () => clearTimeout(timer);
}

/**
 * Makes this thread's global setTimeout patient for timers of at least `minMs`: for a client that is not ours
 * and times its requests with plain timers (the resilience matrix's official clients, in their worker thread).
 * The timer returned is the real one (clearTimeout, unref and refresh work on it); when it fires before its
 * time it is re-armed in place. Timers shorter than `minMs` (ticks, backoffs of a few ms) stay plain.
 */
export function makeGlobalTimersPatient(options: Patience, minMs = 50): void {
  const patientSetTimeout = function (this: unknown, callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): NodeJS.Timeout {
    if (typeof callback !== 'function' || typeof ms !== 'number' || !(ms >= minMs)) return plainSetTimeout(callback, ms, ...args);
    const more = patience(ms, options);
    const timer = plainSetTimeout(() => {
      const wait = more(performance.now());
      // Re-armed in place: refresh() re-inserts the timer with its _idleTimeout (Node's timers), so the
      // handle the client holds stays the one that fires.
      if (wait !== undefined && REARMABLE) {
        (timer as unknown as { _idleTimeout: number })._idleTimeout = wait;
        timer.refresh();
        return;
      }
      callback(...args);
    }, ms);
    return timer;
  };
  globalThis.setTimeout = Object.assign(patientSetTimeout, { __promisify__: plainSetTimeout.__promisify__ }) as unknown as typeof setTimeout;
}

/** Node's Timeout keeps its delay in _idleTimeout, which refresh() re-arms with. */
const REARMABLE = ((): boolean => {
  const t = plainSetTimeout(() => undefined, 1);
  clearTimeout(t);
  return typeof (t as unknown as { _idleTimeout?: unknown })._idleTimeout === 'number' && typeof t.refresh === 'function';
})();
