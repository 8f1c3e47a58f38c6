/**
 * Running one adapter call and describing what it did. Kept free of Pact and the servers, so an isolated
 * worker can load it cheaply.
 */
import type { CallReport, CallRunner, MatrixAdapter } from './adapter';

/** One line describing a thrown or returned value. */
export function describeValue(value: unknown): string {
  // Duck-typed: a client loaded outside the caller's realm (jest's vm context) throws Errors that fail instanceof.
  const e = value as { name?: unknown; message?: unknown } | null;
  if (e !== null && typeof e === 'object' && typeof e.name === 'string' && typeof e.message === 'string') {
    return `${e.name}: ${e.message}`.replace(/\s+/g, ' ').slice(0, 160);
  }
  let text: string;
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `${kind === 'object' || kind === 'array' ? '' : `${kind} `}${text}`.replace(/\s+/g, ' ').slice(0, 160);
}

/** The adapter's reading of a thrown value; an adapter hook that throws reads as "unknown". */
export function readError(adapter: Pick<MatrixAdapter, 'isTypedError' | 'statusOf' | 'codeOf' | 'retryAdvisedOf' | 'retryAfterMsOf'>, err: unknown): Omit<CallReport, 'kind' | 'detail'> {
  const safe = <T>(f: (() => T) | undefined): T | undefined => {
    try {
      return f?.();
    } catch {
      return undefined;
    }
  };
  return {
    typed: safe(() => adapter.isTypedError(err)) === true,
    reportedStatus: safe(adapter.statusOf && (() => adapter.statusOf?.(err))),
    reportedCode: safe(adapter.codeOf && (() => adapter.codeOf?.(err))),
    retryAdvised: safe(adapter.retryAdvisedOf && (() => adapter.retryAdvisedOf?.(err))),
    retryAfterMs: safe(adapter.retryAfterMsOf && (() => adapter.retryAfterMsOf?.(err))),
  };
}

// The hang timeout counts time the thread could run (../patient-timer.ts); re-exported for the matrix's users.
export { MAX_STALL_CREDIT, MAX_WAIT_CREDIT, PATIENT_TIMEOUT_BOUND, patientTimeout } from '../patient-timer';
import { patientTimeout, type Patience } from '../patient-timer';
import { recordTimers, type ClientTimer } from './client-waits';

/**
 * Runs calls in this process. A client that throws outside its promise is not caught here (see isolation).
 * `patience`: what the hang timeout gives back besides this thread's own waits (a worker: its answering thread's).
 */
export function inProcessRunner(adapter: MatrixAdapter, patience?: Patience): CallRunner {
  return async (endpoint, ctx) => {
    const call = adapter.calls[endpoint];
    if (!call) return { kind: 'rejected', detail: `adapter ${adapter.name} has no call for ${endpoint}`, typed: false };
    let cancel: (() => void) | undefined;
    const hang = new Promise<CallReport>((resolve) => {
      cancel = patientTimeout(ctx.hangTimeoutMs, () => resolve({ kind: 'hang', detail: `no answer after ${ctx.hangTimeoutMs} ms` }), patience);
    });
    // The timers the client arms: its own waits, which the backoff verdict reads (client-waits.ts).
    const timers: ClientTimer[] = [];
    const recording = recordTimers(timers);
    const attempt = Promise.resolve()
      .then(() => recording.run(() => call(ctx)))
      .then(
        (value): CallReport => ({ kind: 'resolved', detail: describeValue(value), timers }),
        (err: unknown): CallReport => ({ kind: 'rejected', detail: describeValue(err), ...readError(adapter, err), timers }),
      );
    try {
      return await Promise.race([attempt, hang]);
    } finally {
      cancel?.();
      recording.stop();
    }
  };
}

