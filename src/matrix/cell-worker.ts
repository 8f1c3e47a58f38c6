/**
 * A worker thread that runs an adapter module's calls, one at a time, for the isolated runner. A client
 * that throws outside its promise (from a socket handler, a timer) kills this worker, not the matrix run.
 * Thrown values are described here, where the adapter can read them, and only the description crosses.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AdapterContext, CallRunner, MatrixAdapter } from './adapter';
import { inProcessRunner } from './call';

interface Data {
  readonly file: string;
  readonly tsNode?: string;
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
  parentPort?.on('message', (msg: { endpoint: string; ctx: AdapterContext }) => {
    void run(msg.endpoint, msg.ctx).then((report) => parentPort?.postMessage(report));
  });
  parentPort?.postMessage({ ready: true });
}

void start().catch((err: unknown) => {
  const e = err as { name?: string; message?: string };
  parentPort?.postMessage({ loadError: `${e.name ?? 'Error'}: ${e.message ?? String(err)}` });
});
