/**
 * The client's own waiting: the timers a call armed, with what it asked for and when each fired, so the
 * `retry.no-backoff` verdict reads how long the client chose to wait before a retry, not how late the retry
 * happened to arrive.
 *
 * Why not the server's clock: the cells' servers and an in-process client share one event loop with every other
 * cell of the run (and a worker's client gets its answers from that loop). On a busy machine a client that sends
 * again at once reaches the server 5-45 ms after the failed answer ended (measured: 2 cores, load ~2, 8 cells at
 * once), because the loop was serving other cells' sockets, not because the client waited. Giving back the
 * thread's run-queue wait and stalls (as patient-timer.ts does for timeouts) cannot tell that apart: the thread is
 * running, only not the client's code. What a backing-off client does that an at-once one does not is arm a
 * timer of the backoff's length and send when it fires. A timer's requested length is the client's intent and is
 * not stretched by a busy loop (a timer fires late, never early by more than libuv's millisecond). So the wait before a retry is what the call's
 * timers asked for, among those armed after the failure (the server began the failed answer: matrix.ts) and fired
 * before the retry reached the server.
 *
 * Timers are attributed to a call by async context: Node hands each async resource (timers, sockets, promises)
 * the context of the code that created it, so a timer armed anywhere in the client's code (a `setTimeout`, the
 * timers/promises `setTimeout`, a socket's idle timeout) belongs to the call that started that code. The hook is
 * on only while a recorded call is in flight.
 *
 * Times are on the monotonic clock every thread shares (`process.hrtime`), so a worker thread's timers compare
 * with the exchanges the serving thread recorded.
 */
import { createHook, executionAsyncResource } from 'node:async_hooks';

/** One timer a call armed. Times are monotonic ms (monotonicMs). */
export interface ClientTimer {
  /** When it was armed. */
  readonly armedAt: number;
  /** The length the client asked for (Node clamps below 1 to 1). */
  readonly ms: number;
  /** When its callback last ran (an interval: the first time); undefined: it never fired during the call. */
  firedAt?: number;
  /**
   * The index (in the call's timers) of the timer whose callback armed this one with that same callback: a
   * timer re-armed as a new one (patientTimeout's pieces), one wait with the timer it continues.
   */
  readonly rearmOf?: number;
}

/** Milliseconds on the monotonic clock shared by every thread of the process. */
export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * This thread's performance.now() on that clock: performance.now() is the same clock from this thread's origin.
 * The offset is read between two performance.now() calls; of a few tries the tightest pair is kept, so a thread
 * descheduled during one read does not shift every time it converts (a worker's timers are compared with this
 * thread's exchanges to within the latency of a loopback request).
 */
const PERFORMANCE_OFFSET = ((): number => {
  let best = { gap: Infinity, offset: 0 };
  for (let i = 0; i < 5; i++) {
    const before = performance.now();
    const mono = monotonicMs();
    const after = performance.now();
    if (after - before < best.gap) best = { gap: after - before, offset: mono - (before + after) / 2 };
  }
  return best.offset;
})();

/** A performance.now() time of this thread on the monotonic clock. */
export const fromPerformanceNow = (t: number): number => t + PERFORMANCE_OFFSET;

const LOG = Symbol('push-contracts.client-timers');

interface Log {
  readonly timers: ClientTimer[];
  open: boolean;
}

type Tagged = { [LOG]?: Log };

interface NodeTimeout {
  _idleTimeout: number;
  _repeat: number | null;
  _onTimeout: ((...args: unknown[]) => void) | null;
}

let inFlight = 0;
/** The recorded timer whose callback is running now (set around it by the wrapper below). */
let firing: { readonly log: Log; readonly index: number; readonly fn: unknown } | undefined;
const hook = createHook({
  init(_asyncId, type, _trigger, resource) {
    const log = (executionAsyncResource() as Tagged)[LOG];
    if (log === undefined || !log.open) return;
    // Carried on: promises, sockets and timers created by this call's code run later in its context.
    (resource as Tagged)[LOG] = log;
    if (type !== 'Timeout') return;
    const timeout = resource as unknown as NodeTimeout;
    const onTimeout = timeout._onTimeout;
    if (typeof onTimeout !== 'function') return;
    const rearmOf = firing !== undefined && firing.log === log && firing.fn === onTimeout ? firing.index : undefined;
    const timer: ClientTimer = rearmOf === undefined ? { armedAt: monotonicMs(), ms: timeout._idleTimeout } : { armedAt: monotonicMs(), ms: timeout._idleTimeout, rearmOf };
    const index = log.timers.push(timer) - 1;
    const repeats = timeout._repeat !== null;
    // Wrapped, not observed with a `before` hook: that hook would run for every promise reaction of the process.
    timeout._onTimeout = function (this: unknown, ...args: unknown[]): void {
      // A timer re-armed in place (a worker's patient timers) runs its callback on its last firing.
      if (!(repeats && timer.firedAt !== undefined)) timer.firedAt = monotonicMs();
      const previous = firing;
      firing = { log, index, fn: onTimeout };
      try {
        onTimeout.apply(this, args);
      } finally {
        firing = previous;
      }
    };
  },
});

/** Records the timers armed in the async context of what `run` starts, until `stop` (idempotent). */
export interface TimerRecording {
  run<T>(fn: () => T): T;
  stop(): void;
}

/**
 * Starts recording a call's timers into `timers`. The runner stops it when the call is judged (settled, or a
 * hang): a call that never settles must not keep the hook on for the rest of the thread's life.
 */
export function recordTimers(timers: ClientTimer[]): TimerRecording {
  const log: Log = { timers, open: true };
  if (inFlight++ === 0) hook.enable();
  return {
    run: (fn) => {
      // What AsyncLocalStorage.run does: the current resource carries the log while fn runs, so whatever fn
      // creates (its promises, sockets, timers) carries it on.
      const resource = executionAsyncResource() as Tagged;
      const previous = resource[LOG];
      resource[LOG] = log;
      try {
        return fn();
      } finally {
        resource[LOG] = previous;
      }
    },
    stop: () => {
      if (!log.open) return;
      log.open = false;
      if (--inFlight === 0) hook.disable();
    },
  };
}

/**
 * How long the client waited of its own before each retry: for the retry that is exchange k+1, the time its
 * timers asked for among those armed at or after exchange k failed (`failedAt[k]`) and fired at or before the
 * retry arrived (`arrivedAt[k + 1]`). Timers in sequence (one armed after the other fired: a loop of short
 * sleeps) add up; timers that ran at once (armed before another fired: a race of two) count their union. Each
 * counts its requested length, never how late it fired: a busy loop fires a 1 ms timer 30 ms late, and that is
 * the loop's delay, not the client's wait. All times monotonic ms; rounded to whole ms.
 */
export function waitsBeforeRetries(timers: readonly ClientTimer[], failedAt: readonly number[], arrivedAt: readonly number[]): number[] {
  const waits: number[] = [];
  for (let k = 0; k + 1 < arrivedAt.length; k++) {
    const from = failedAt[k];
    const to = arrivedAt[k + 1];
    const fired = timers
      .filter((t) => t.firedAt !== undefined && t.armedAt >= from && t.firedAt <= to)
      .sort((a, b) => a.armedAt - b.armedAt);
    let covered = 0;
    // The group of timers running at once: when its last one fired, and where its requested span ends.
    let groupFired = -Infinity;
    let groupEnd = -Infinity;
    for (const t of fired) {
      const end = t.armedAt + Math.max(1, t.ms);
      if (t.armedAt >= groupFired) {
        covered += end - t.armedAt; // armed after the others fired: a wait in sequence
        groupEnd = end;
      } else if (end > groupEnd) {
        covered += end - Math.max(t.armedAt, groupEnd);
        groupEnd = end;
      }
      groupFired = Math.max(groupFired, t.firedAt ?? -Infinity);
    }
    waits.push(Math.round(covered));
  }
  return waits;
}

/**
 * When the client gave up on a request the server had not answered by the time the next one arrived: the last
 * firing of the first of its timers to fire after the request's arrival, with the timers that re-armed it (the
 * same callback armed again from its own run, as patientTimeout does). A client gives up on a silent connection
 * only when a timer fires (its own, or its socket's timeout, both recorded), and backs off only after that; so
 * the give-up's own timers are not part of its wait. The request's arrival alone does not tell them apart: a
 * client on a worker thread may arm its give-up timer after the serving thread saw the request (on the request's
 * 'finish', a tick after the write), and a 300 ms give-up then read as 300 ms of backoff before an immediate retry.
 * No timer fired in between: the arrival. Monotonic ms.
 */
export function gaveUpAt(timers: readonly ClientTimer[], arrivedAt: number, nextArrivedAt: number): number {
  const inWindow = (t: ClientTimer): t is ClientTimer & { firedAt: number } => t.firedAt !== undefined && t.firedAt > arrivedAt && t.firedAt <= nextArrivedAt;
  let first = -1;
  timers.forEach((t, i) => {
    if (inWindow(t) && (first < 0 || t.firedAt < (timers[first].firedAt as number))) first = i;
  });
  if (first < 0) return arrivedAt;
  const chain = new Set([first]);
  let end = timers[first].firedAt as number;
  // A re-arm is armed after the timer it continues, so it comes later in the list.
  for (let i = first + 1; i < timers.length; i++) {
    const t = timers[i];
    if (t.rearmOf !== undefined && chain.has(t.rearmOf) && inWindow(t)) {
      chain.add(i);
      end = Math.max(end, t.firedAt);
    }
  }
  return end;
}
