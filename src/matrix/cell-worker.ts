/**
 * A worker thread that runs an adapter module's calls, one at a time, for the isolated runner. Thrown values
 * are described here, where the adapter can read them, and only the description crosses.
 *
 * A client that throws outside its promise (from a socket handler, a timer) or leaves a rejection unhandled
 * is reported as a crash of the call in flight, and the worker goes on: replacing it would cost a module load
 * (ts-node included for a .ts adapter) per crash. Each call builds its own client, so no client state
 * survives into the next call; a late throw from an abandoned (hung) call lands on the call then in flight.
 * A client that ends the thread (process.exit) is caught by the pool, which replaces the worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AdapterContext, CallReport, CallRunner, MatrixAdapter } from './adapter';
import { describeValue, inProcessRunner } from './call';

interface Data {
  readonly file: string;
  readonly tsNode?: string;
}

let inFlight: number | undefined;

function answer(id: number, report: CallReport): void {
  if (inFlight !== id) return; // already answered (a crash was reported for it)
  inFlight = undefined;
  parentPort?.postMessage({ id, report });
}

function crashed(kind: string, err: unknown): void {
  if (inFlight === undefined) return; // nothing to blame: an idle worker stays idle
  answer(inFlight, { kind: 'crashed', detail: `${kind} ${describeValue(err)} (thrown outside the client's promise)` });
}

async function start(): Promise<void> {
  const { file, tsNode } = workerData as Data;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (tsNode && require.extensions['.ts'] === undefined) (require(tsNode) as { register(o: object): void }).register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as Record<string, unknown>;
  const candidate = mod.adapter ?? mod.default ?? mod;
  const adapter = (typeof candidate === 'function' ? await (candidate as () => unknown)() : candidate) as MatrixAdapter;
  const run: CallRunner = inProcessRunner(adapter);
  process.on('uncaughtException', (err) => crashed('uncaught', err));
  process.on('unhandledRejection', (err) => crashed('unhandled rejection', err));
  parentPort?.on('message', (msg: { id: number; endpoint: string; ctx: AdapterContext }) => {
    inFlight = msg.id;
    void run(msg.endpoint, msg.ctx).then((report) => answer(msg.id, report));
  });
  parentPort?.postMessage({ ready: true });
}

void start().catch((err: unknown) => {
  const e = err as { name?: string; message?: string };
  parentPort?.postMessage({ loadError: `${e.name ?? 'Error'}: ${e.message ?? String(err)}` });
});
