/**
 * What a worker thread's timers need to know of the thread that answers its client. The resilience matrix runs an
 * official client in a worker thread while every answer it gets comes from the test's thread (the cells' servers);
 * a plain timer in the worker fires on time while that thread waits for a CPU or is stalled (starting a wave of
 * servers), and times out an answer that was never late by the server's own clock. So the test's thread beats a
 * heartbeat into shared memory, and the worker's patient timers (src/patient-timer.ts) give back that thread's
 * run-queue wait and the time its heartbeat has been silent, as they give back their own thread's.
 */
import { runQueueWaitMs, type Patience } from '../patient-timer';

/** How often the answering thread says it runs. A silence longer than this (plus a tolerance) is a stall. */
export const HEARTBEAT_MS = 10;

let beating: { buffer: SharedArrayBuffer; users: number; timer: NodeJS.Timeout } | undefined;

const epochNow = (): number => performance.timeOrigin + performance.now();

/** Starts (or joins) this thread's heartbeat; `stop` ends it when its last user stops. */
export function heartbeat(): { readonly buffer: SharedArrayBuffer; stop(): void } {
  if (!beating) {
    const buffer = new SharedArrayBuffer(8);
    const beat = new Float64Array(buffer);
    beat[0] = epochNow();
    // Unref'd: the pool's workers keep the process alive while they run, the heartbeat never does.
    const timer = setInterval(() => (beat[0] = epochNow()), HEARTBEAT_MS).unref();
    beating = { buffer, users: 0, timer };
  }
  const b = beating;
  b.users += 1;
  let stopped = false;
  return {
    buffer: b.buffer,
    stop: () => {
      if (stopped) return;
      stopped = true;
      b.users -= 1;
      if (b.users === 0 && beating === b) {
        clearInterval(b.timer);
        beating = undefined;
      }
    },
  };
}

/**
 * Patience for timers in a worker whose answers come from the thread that beats `buffer` (the process's main
 * thread): its run-queue wait counts with this thread's, and a silent heartbeat is a stall of that thread.
 */
export function answeringThreadPatience(buffer: SharedArrayBuffer, answeringThread = `/proc/self/task/${process.pid}/schedstat`): Patience {
  const beat = new Float64Array(buffer);
  return {
    waited: () => runQueueWaitMs() + runQueueWaitMs(answeringThread),
    peerStalledMs: () => Math.max(0, epochNow() - beat[0] - HEARTBEAT_MS),
  };
}
