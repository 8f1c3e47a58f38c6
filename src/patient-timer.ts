/**
 * Timers that count the time this thread could run. On a loaded machine a thread waits for a CPU, or is
 * stalled (descheduled, or busy with a long synchronous task); when it runs again Node fires the due timers
 * before it reads its sockets, so a plain timer beats an answer that arrived in time and waits unread, and a
 * peer in the same process (a test's server, the embedded dispatcher) had no chance to answer at all. Every
 * timer that judges a peer (a request timeout, a hang bound, a deadline) uses this one instead, so the verdict
 * depends on what the peer did, not on how fast the machine ran this process (docs/development.md, "Timing on
 * a loaded machine").
 */
import { readFileSync } from 'node:fs';

/** How many more timeouts a wait can be given because its thread stalled or waited for a CPU. */
export const MAX_STALL_CREDIT = 2;

/** Where Linux counts a thread's time runnable but not running: the second field, in nanoseconds. */
const OWN_SCHEDSTAT = '/proc/thread-self/schedstat';
let schedstatReadable = true;

/**
 * Milliseconds a thread has spent waiting for a CPU while it was ready to run (the kernel's run-queue wait,
 * `/proc/<tid>/schedstat`), the time a loaded machine kept it from running; 0 where the kernel does not say
 * (then only a late timer tells a stall). `file` defaults to the calling thread's own.
 */
export function runQueueWaitMs(file: string = OWN_SCHEDSTAT): number {
  if (!schedstatReadable) return 0;
  try {
    const waitNs = Number(readFileSync(file, 'latin1').split(' ')[1]);
    return Number.isFinite(waitNs) ? waitNs / 1e6 : 0;
  } catch {
    if (file === OWN_SCHEDSTAT) schedstatReadable = false;
    return 0;
  }
}

/** Milliseconds the threads that a wait depends on have waited for a CPU, cumulative (see runQueueWaitMs). */
export type WaitClock = () => number;

/**
 * Calls `onTimeout` after `ms` of time in which this thread could run, at most (1 + MAX_STALL_CREDIT) * ms
 * after the start, so a peer that never answers is still timed out on a machine that keeps stalling. Two
 * things are given back: the time the thread waited for a CPU meanwhile (`waited`, the kernel's count; by
 * default this thread's), and the lateness of a timer that fires late without that wait (a stall: a long
 * synchronous task, a stopped process), because what happened meanwhile (an answer read, a retry sent) has
 * not been processed yet. Returns the cancel function. The signature is PushClient's `timer`.
 */
export function patientTimeout(ms: number, onTimeout: () => void, waited: WaitClock = runQueueWaitMs): () => void {
  const start = performance.now();
  const waitedAtStart = waited();
  const latest = start + ms * (1 + MAX_STALL_CREDIT);
  const tolerance = Math.max(5, ms / 50);
  let due = start + ms;
  let timer: NodeJS.Timeout;
  const rearm = (at: number, now: number): void => {
    due = Math.min(at, latest);
    timer = setTimeout(fire, Math.max(1, due - now));
  };
  const fire = (): void => {
    const now = performance.now();
    if (now >= latest) {
      onTimeout();
      return;
    }
    // The time the machine kept this thread (and the peer's, when `waited` counts it) from running.
    const owed = start + ms + (waited() - waitedAtStart);
    if (owed - now > tolerance) {
      rearm(owed, now);
      return;
    }
    // Late without waiting for a CPU: a stall. Answers that came meanwhile are unread; give its length back.
    const late = now - due;
    if (late > tolerance) {
      rearm(now + late, now);
      return;
    }
    onTimeout();
  };
  timer = setTimeout(fire, ms);
  return () => clearTimeout(timer);
}
