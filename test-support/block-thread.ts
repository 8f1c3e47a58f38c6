/**
 * Blocks this thread for `ms` milliseconds, as a descheduled process or a long synchronous task would: no timer
 * fires, no socket is read and no other callback runs until it returns, so the tests of the stall credits
 * (patient-timer.ts, the dispatcher deadline, the matrix's hang bound, the worker clients' thread clock) do not
 * depend on the machine's load. It sleeps in Atomics.wait instead of spinning: a spinning stall cost a full test
 * run ~4 s of CPU in four files, taken from the files running beside them, and on a loaded machine it also made
 * the stalled thread wait for a CPU, which the code under test counts apart from a stall.
 */
const cell = new Int32Array(new SharedArrayBuffer(4));

export function blockThread(ms: number): void {
  const until = performance.now() + ms;
  // Atomics.wait may return before its time; the loop makes the stall last at least `ms`.
  for (let left = ms; left > 0; left = until - performance.now()) Atomics.wait(cell, 0, 0, left);
}
