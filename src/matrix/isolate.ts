/**
 * Runs an adapter module's calls in worker threads, so a client crash (an exception thrown outside its
 * promise, an unhandled rejection, process.exit) becomes an "untyped crash" cell instead of ending the run
 * (see cell-worker.ts: a throw is reported by the worker, an exit replaces the worker). A worker is one thread with its own module registry; the pool holds at most
 * `size` of them and replaces a dead one on the next call. Worker threads rather than child processes:
 * no process start per cell, and on 2 cores a thread costs a fraction of a node process.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { PushContractsError } from '../errors';
import type { CallReport, CallRunner } from './adapter';
import { PATIENT_TIMEOUT_BOUND } from './call';
import { heartbeat } from './thread-clock';
import { ensureTypeScript, loadAdapter } from './load-adapter';
import { runMatrix, type MatrixOptions, type MatrixResult } from './matrix';

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  /** Calls in flight on this worker. */
  calls: number;
  alive: boolean;
  /** A call's guard found the thread blocked: the pool ends the worker, and its other calls are hangs too. */
  blocked: boolean;
}

export interface IsolatedRunner {
  readonly run: CallRunner;
  close(): Promise<void>;
}

/** What the worker entry runs of the sources, relative to this directory (adapter.ts holds types only). */
export const WORKER_SOURCES: readonly string[] = ['cell-worker', 'call', 'client-waits', 'thread-clock', '../patient-timer'];

/**
 * The built worker for a run from the sources (`src/matrix/x.ts` -> `dist/matrix/x.js`, tsc's outDir) when it
 * is there and not older than any source it runs, else undefined. ts-node in a worker thread costs ~0.5 s of
 * CPU (it loads typescript), per worker: 4 workers for a plain-JS adapter, 2.9 s of CPU to be ready against
 * 0.8 s with the built entry (plain node, measured). A .ts adapter still gets ts-node, for the adapter only.
 */
export function builtWorkerEntry(srcDir: string = __dirname): string | undefined {
  const distDir = path.join(srcDir, '..', '..', 'dist', path.basename(srcDir));
  try {
    const stale = WORKER_SOURCES.some((name) => fs.statSync(path.join(distDir, `${name}.js`)).mtimeMs < fs.statSync(path.join(srcDir, `${name}.ts`)).mtimeMs);
    return stale ? undefined : path.join(distDir, 'cell-worker.js');
  } catch {
    return undefined; // not built (or not from this layout): the sources through ts-node
  }
}

/** The worker entry: the compiled .js next to this file, or for the .ts sources (tests, ts-node users) the built one when fresh, else the source through ts-node. */
function workerEntry(): { file: string; execArgv?: string[] } {
  const ext = path.extname(__filename);
  const file = path.join(__dirname, `cell-worker${ext}`);
  if (ext !== '.ts') return { file };
  const built = builtWorkerEntry();
  return built ? { file: built } : { file, execArgv: ['--require', require.resolve('ts-node/register/transpile-only')] };
}

/**
 * @param file absolute path of the adapter module (already checked with loadAdapter in this thread)
 * @param size workers at most
 * @param tsNode resolved ts-node to register in the worker for a .ts adapter
 * @param callsPerWorker calls in flight on one worker at once (default 1). More than one saves a worker's load
 *   per call at once (a .ts adapter's ts-node, the client), and a throw outside a promise is still blamed on its
 *   own call (cell-worker.ts); but a client that ends or blocks its thread takes the other calls in flight there
 *   with it (each such cell says so).
 */
export function isolatedRunner(file: string, size: number, tsNode?: string, callsPerWorker = 1): IsolatedRunner {
  const slots: Slot[] = [];
  const waiting: Array<(slot: Slot) => void> = [];
  const entry = workerEntry();
  const perWorker = Math.max(1, Math.floor(callsPerWorker));
  let calls = 0;
  // The workers' timers give back the time this thread (which serves the cells) could not run.
  const beat = heartbeat();

  const spawn = (): Slot => {
    const worker = new Worker(entry.file, { workerData: { file, tsNode, heartbeat: beat.buffer }, execArgv: entry.execArgv, stdout: true, stderr: true });
    // Each call in flight listens for its answer, an error and the exit.
    worker.setMaxListeners(perWorker + 10);
    // The client's own console output is not the matrix's: drained, not shown.
    worker.stdout.resume();
    worker.stderr.resume();
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: { ready?: boolean; loadError?: string }): void => {
        if (m.loadError) reject(new PushContractsError('PC_ERR_ADAPTER', `${file}: cannot load in a worker: ${m.loadError}`, { file }));
        else if (m.ready) resolve();
        worker.off('message', onMessage);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
    ready.catch(() => undefined);
    const slot: Slot = { worker, ready, calls: 0, alive: true, blocked: false };
    // A late throw from an earlier, abandoned call can end an idle worker: it is replaced on the next call.
    worker.on('error', () => undefined);
    worker.on('exit', () => (slot.alive = false));
    return slot;
  };

  /** A worker with room for a call, the least busy first; a dead idle one is replaced. */
  const free = (): Slot | undefined => {
    let best: Slot | undefined;
    for (const s of slots) if (s.calls < perWorker && (!best || s.calls < best.calls)) best = s;
    if (best && !best.alive && best.calls === 0) return (slots[slots.indexOf(best)] = spawn());
    if (best && best.alive && (best.calls === 0 || slots.length >= size)) return best;
    if (slots.length < size) {
      const slot = spawn();
      slots.push(slot);
      return slot;
    }
    return best?.alive ? best : undefined;
  };

  const acquire = (): Promise<Slot> => {
    const slot = free();
    if (slot) {
      slot.calls++;
      return Promise.resolve(slot);
    }
    return new Promise((resolve) => waiting.push(resolve));
  };

  const release = (slot: Slot, dead: boolean): void => {
    slot.calls--;
    const index = slots.indexOf(slot);
    if (dead && index >= 0) {
      void slot.worker.terminate();
      slots[index] = spawn(); // its other calls in flight end with it, and release the old slot
    }
    for (let next = waiting.length > 0 ? free() : undefined; next; next = waiting.length > 0 ? free() : undefined) {
      next.calls++;
      waiting.shift()?.(next);
    }
  };

  const run: CallRunner = async (endpoint, ctx) => {
    const id = ++calls;
    const slot = await acquire();
    await slot.ready; // a load error rejects here, as PC_ERR_ADAPTER
    let dead = false;
    try {
      return await new Promise<CallReport>((resolve) => {
        const { worker } = slot;
        // The worker answers a hang itself, after the hang timeout plus what stalls and waits took from it (patientTimeout);
        // this guard, past the longest the worker can take, is for a worker whose event loop is blocked.
        const guard = setTimeout(() => {
          dead = true;
          slot.blocked = true;
          cleanup();
          resolve({ kind: 'hang', detail: `no answer after ${ctx.hangTimeoutMs} ms (the client blocked its thread)` });
        }, ctx.hangTimeoutMs * PATIENT_TIMEOUT_BOUND + 2000);
        const onMessage = (m: { id?: number; report?: CallReport }): void => {
          if (m.id !== id || !m.report) return; // a late answer of an earlier call
          cleanup();
          resolve(m.report);
        };
        // The worker reports throws outside the client's promise itself; this is for one that dies anyway.
        const onError = (err: unknown): void => {
          dead = true;
          cleanup();
          const e = err as { name?: string; message?: string };
          resolve({ kind: 'crashed', detail: `uncaught ${e.name ?? 'Error'}: ${(e.message ?? String(err)).replace(/\s+/g, ' ').slice(0, 140)} (the client's thread died)` });
        };
        const onExit = (code: number): void => {
          dead = true;
          cleanup();
          if (slot.blocked) resolve({ kind: 'hang', detail: `no answer after ${ctx.hangTimeoutMs} ms (a client blocked the thread this call shared)` });
          else resolve({ kind: 'crashed', detail: `the client ended its thread (exit code ${code})` });
        };
        const cleanup = (): void => {
          clearTimeout(guard);
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        worker.postMessage({ id, endpoint, ctx });
      });
    } finally {
      release(slot, dead);
    }
  };

  return {
    run,
    close: async () => {
      beat.stop();
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}

/**
 * Loads an adapter module and runs the matrix with its calls isolated in worker threads: the way to run a
 * client that may crash its process. The workers end with the run, whatever happens.
 *
 * @example
 * const result = await runAdapterModule('./my-adapter.js', { hangTimeoutMs: 1500 });
 */
export async function runAdapterModule(file: string, options: MatrixOptions = {}, cwd: string = process.cwd()): Promise<MatrixResult> {
  const resolved = path.resolve(cwd, file);
  const adapter = await loadAdapter(resolved, cwd);
  let tsNode: string | undefined;
  if (/\.(c|m)?ts$/.test(resolved)) {
    ensureTypeScript(resolved, cwd);
    try {
      tsNode = require.resolve('ts-node', { paths: [cwd, path.dirname(resolved), __dirname] });
    } catch {
      tsNode = undefined; // already registered by the caller (jest, ts-node): the worker entry registers its own
    }
  }
  // A call per cell at once: the waiting lane's cells hold theirs while they wait.
  const callsAtOnce = Math.max(1, options.concurrency ?? 4) + Math.max(0, Math.floor(options.waitingConcurrency ?? 0));
  const perWorker = Math.max(1, Math.floor(options.callsPerWorker ?? 1));
  const isolated = isolatedRunner(resolved, Math.ceil(callsAtOnce / perWorker), tsNode, perWorker);
  try {
    return await runMatrix(adapter, options, isolated.run);
  } finally {
    await isolated.close();
  }
}
