/**
 * A worker thread that runs an adapter module's calls for the isolated runner, one or several at a time (the
 * pool's `callsPerWorker`). Thrown values are described here, where the adapter can read them, and only the
 * description crosses.
 *
 * A client that throws outside its promise (from a socket handler, a timer) or leaves a rejection unhandled
 * is reported as a crash of the call whose client did it, and the worker goes on: replacing it would cost a
 * module load (ts-node included for a .ts adapter) per crash. Each call runs in its own async context
 * (AsyncLocalStorage), which Node carries into the client's sockets, timers and promises and hands to the
 * 'uncaughtException' and 'unhandledRejection' handlers, so a throw is blamed on its own call even with others
 * in flight; a late throw of an abandoned (hung) call is blamed on nothing, its cell already said hang. A throw
 * from no call's context is blamed on every call in flight (a false red, never a false green). Each call builds
 * its own client, so no client state survives into the next call. A client that ends the thread
 * (process.exit) is caught by the pool, which replaces the worker.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { AdapterContext, CallReport, CallRunner, MatrixAdapter } from './adapter';
import { describeValue, inProcessRunner } from './call';
import { makeGlobalTimersPatient } from '../patient-timer';
import { answeringThreadPatience } from './thread-clock';

interface Data {
  readonly file: string;
  readonly tsNode?: string;
  /** The heartbeat of the thread that serves the cells (thread-clock.ts). */
  readonly heartbeat?: SharedArrayBuffer;
}

const inFlight = new Set<number>();
const callOf = new AsyncLocalStorage<number>();

function answer(id: number, report: CallReport): void {
  if (!inFlight.delete(id)) return; // already answered (a crash was reported for it), or abandoned
  parentPort?.postMessage({ id, report });
}

function crashed(kind: string, err: unknown): void {
  const id = callOf.getStore();
  const blamed = id !== undefined ? [id] : [...inFlight]; // an abandoned call's id is no longer in flight: nothing to blame
  for (const call of blamed) answer(call, { kind: 'crashed', detail: `${kind} ${describeValue(err)} (thrown outside the client's promise)` });
}

async function start(): Promise<void> {
  const { file, tsNode, heartbeat } = workerData as Data;
  // The client's own timers (a request timeout) and the hang timeout give back the time the thread that serves
  // its answers could not run: made patient before the client loads, so every timer it arms is.
  const patience = heartbeat ? answeringThreadPatience(heartbeat) : undefined;
  if (patience) makeGlobalTimersPatient(patience);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (tsNode && require.extensions['.ts'] === undefined) (require(tsNode) as { register(o: object): void }).register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as Record<string, unknown>;
  const candidate = mod.adapter ?? mod.default ?? mod;
  const adapter = (typeof candidate === 'function' ? await (candidate as () => unknown)() : candidate) as MatrixAdapter;
  const run: CallRunner = inProcessRunner(adapter, patience);
  process.on('uncaughtException', (err) => crashed('uncaught', err));
  process.on('unhandledRejection', (err) => crashed('unhandled rejection', err));
  parentPort?.on('message', (msg: { id: number; endpoint: string; ctx: AdapterContext; timers?: boolean }) => {
    inFlight.add(msg.id);
    callOf.run(msg.id, () => void run(msg.endpoint, msg.ctx, { timers: msg.timers }).then((report) => answer(msg.id, report)));
  });
  parentPort?.postMessage({ ready: true });
}

void start().catch((err: unknown) => {
  const e = err as { name?: string; message?: string };
  parentPort?.postMessage({ loadError: `${e.name ?? 'Error'}: ${e.message ?? String(err)}` });
});
