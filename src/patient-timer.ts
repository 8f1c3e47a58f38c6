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
 * Calls `onTimeout` after `ms` of time in which this thread could run. Two things are given back: the time the
 * thread waited for a CPU meanwhile (`waited`, the kernel's count; by default this thread's), up to
 * MAX_WAIT_CREDIT timeouts, and the lateness of a timer that fires late (a stall: a long synchronous task, a
 * stopped process), up to MAX_STALL_CREDIT timeouts, because what happened meanwhile (an answer read, a retry
 * sent) has not been processed yet. So a peer that never answers is still timed out, at most
 * PATIENT_TIMEOUT_BOUND timeouts after the start, on a machine that keeps stalling. Returns the cancel
 * function. The signature is PushClient's `timer`.
 */
export function patientTimeout(ms: number, onTimeout: () => void, waited: WaitClock = runQueueWaitMs): () => void {
  const start = performance.now();
  const waitedAtStart = waited();
  const tolerance = Math.max(5, ms / 50);
  let stallCredit = 0;
  let due = start + ms;
  let timer: NodeJS.Timeout;
  const rearm = (at: number, now: number): void => {
    due = at;
    timer = setTimeout(fire, Math.max(1, at - now));
  };
  const fire = (): void => {
    const now = performance.now();
    // The time the machine kept this thread (and the peer's, when `waited` counts it) from running.
    const waitCredit = Math.min(waited() - waitedAtStart, MAX_WAIT_CREDIT * ms);
    const owed = start + ms + waitCredit + stallCredit;
    if (owed - now > tolerance) {
      rearm(owed, now);
      return;
    }
    // Late: answers that came meanwhile are unread (Node runs due timers before it reads sockets); give its length back.
    const late = now - due;
    if (late > tolerance && stallCredit < MAX_STALL_CREDIT * ms) {
      stallCredit = Math.min(stallCredit + (now + late - owed), MAX_STALL_CREDIT * ms);
      rearm(start + ms + waitCredit + stallCredit, now);
      return;
    }
    onTimeout();
  };
  timer = setTimeout(fire, ms);
  return () => clearTimeout(timer);
}
