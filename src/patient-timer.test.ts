/**
 * patientTimeout counts time the thread could run. The run-queue wait is injected (a clock that says what the
 * kernel would on a loaded machine) and stalls are made by blocking the event loop, so these tests do not
 * depend on the machine's load; only lower bounds of elapsed time are asserted (a timer never fires early).
 * The last test reads the kernel's real count for a thread kept from running.
 */
import { spawn } from 'node:child_process';
import { MAX_STALL_CREDIT, MAX_WAIT_CREDIT, patientTimeout, runQueueWaitMs } from './patient-timer';
import { blockThread as stall } from '../test-support/block-thread';

const MS = 100;

/** Resolves with the wall time after which the timer fired. */
function timed(waited?: () => number): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve) => patientTimeout(MS, () => resolve(performance.now() - t0), { waited }));
}

describe('patientTimeout', () => {
  it('fires after its time on a thread that never waited', async () => {
    expect(await timed(() => 0)).toBeGreaterThanOrEqual(MS - 1);
  });

  it('gives back the time the thread waited for a CPU: half the wall time waiting, it fires after twice its time', async () => {
    const t0 = performance.now();
    expect(await timed(() => 0.5 * (performance.now() - t0))).toBeGreaterThanOrEqual(2 * MS - 10);
  });

  it('still fires, after at most MAX_WAIT_CREDIT more timeouts, on a thread that waits all the time', async () => {
    const t0 = performance.now();
    // Never fires before its bound; and without the bound this promise would never settle (jest's timeout fails it).
    expect(await timed(() => performance.now() - t0)).toBeGreaterThanOrEqual((1 + MAX_WAIT_CREDIT) * MS - 10);
  });

  it('still fires, after at most MAX_STALL_CREDIT more timeouts, on a thread that keeps stalling', async () => {
    let fired = false;
    const t0 = performance.now();
    patientTimeout(MS, () => (fired = true), { waited: () => 0 });
    // Longer than the timeout at every turn of the loop, so every firing is late: only the bound ends the wait.
    while (!fired) {
      await new Promise((r) => setImmediate(r));
      stall(MS * 1.5);
    }
    expect(performance.now() - t0).toBeGreaterThanOrEqual((1 + MAX_STALL_CREDIT) * MS - 10);
  });

  it('lets an answer that arrived during a stall be read before it judges', async () => {
    let answered = false;
    let timedOut = false;
    patientTimeout(MS, () => (timedOut = !answered), { waited: () => 0 });
    // The "answer": an I/O callback due while the thread is stalled past the timeout.
    setImmediate(() => {
      stall(2 * MS);
      setImmediate(() => (answered = true));
    });
    await new Promise((r) => setTimeout(r, (2 + MAX_STALL_CREDIT) * MS));
    expect(answered).toBe(true);
    expect(timedOut).toBe(false);
  });

  it('can be cancelled', async () => {
    let fired = false;
    const cancel = patientTimeout(10, () => (fired = true));
    cancel();
    await new Promise((r) => setTimeout(r, 50));
    expect(fired).toBe(false);
  });
});

describe('runQueueWaitMs', () => {
  it("reads the kernel's count of a thread kept from running: two busy threads pinned to one CPU", async () => {
    // The child's main thread and a worker spin on CPU 0 for 400 ms each: each waits for the other.
    const child = spawn('taskset', ['-c', '0', process.execPath, '-e', `
      const { Worker } = require('node:worker_threads');
      new Worker('const t = Date.now() + 400; while (Date.now() < t);', { eval: true }).on('exit', () => {
        process.stdout.write('done\\n');
        setTimeout(() => undefined, 30000);
      });
      const t = Date.now() + 400; while (Date.now() < t);
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', () => resolve());
        child.on('error', reject);
        child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
      });
      // The main thread of the child: it shared one CPU with the worker for 400 ms, so it waited a good part of it.
      expect(runQueueWaitMs(`/proc/${child.pid}/task/${child.pid}/schedstat`)).toBeGreaterThan(100);
    } finally {
      child.kill();
    }
  });
});
