import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import type { CauseId } from '../../contracts';
import { DISPATCHER_STATUS, JOBS_PATH } from '../dispatcher/server';
import type { OperationRequest } from '../dispatcher/operations';

/** How a job came back, already in the gateway's terms: a result, or the cause of a failure. */
export type DispatchOutcome =
  | { readonly kind: 'done'; readonly body?: unknown }
  | { readonly kind: 'refused'; readonly cause: CauseId; readonly message: string; readonly msgId?: string }
  | { readonly kind: 'failed'; readonly cause: CauseId };

/** Connection errors that mean nobody is listening or the process went away mid-answer. */
const UNREACHABLE = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'EHOSTUNREACH', 'ENOTFOUND',
  // undici's names for "the other side closed the socket" and "the socket was closed under the request".
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED',
]);

const JOB_HEADERS = { 'content-type': 'application/json' };

/**
 * The gateway's client for the dispatcher: an undici connection pool (kept-alive sockets, no per-request
 * agent bookkeeping or URL parsing; node:http's client cost most of the hop in the profile, see
 * docs/benchmarks.md), one deadline per job. It maps what happens on the wire to causes: refused
 * connection 'upstream.unreachable', deadline passed 'upstream.timeout', 503 'upstream.overloaded',
 * 500 or anything unexpected 'upstream.failed'.
 */
export class DispatcherClient {
  private pool: Pool | undefined;
  private origin = '';

  constructor(private readonly baseUrl: () => string, private readonly deadlineMs: number) {}

  /** `safeToRepeat`: the job only reads (a GET), so it may be sent again if a kept-alive socket drops it. */
  dispatch(job: OperationRequest, safeToRepeat: boolean): Promise<DispatchOutcome> {
    return this.attempt(job, safeToRepeat);
  }

  close(): void {
    const pool = this.pool;
    this.pool = undefined;
    if (pool) void pool.destroy().catch(() => undefined);
  }

  /** The pool for the dispatcher's current origin (a restarted dispatcher keeps its port; another one gets a new pool). */
  private poolFor(): Pool {
    const origin = this.baseUrl();
    if (this.pool && this.origin === origin) return this.pool;
    this.close();
    this.origin = origin;
    // The dispatcher keeps sockets 65 s; undici lets them go after 4 s idle, so it never reuses one the dispatcher is closing.
    this.pool = new Pool(origin, { connections: 256, pipelining: 1, keepAliveTimeout: 4_000 });
    return this.pool;
  }

  private attempt(job: OperationRequest, mayRetry: boolean): Promise<DispatchOutcome> {
    const payload = JSON.stringify(job);
    return new Promise<DispatchOutcome>((resolve) => {
      let settled = false;
      let abort: ((err?: Error) => void) | undefined;
      let status = 0;
      const chunks: Buffer[] = [];
      const finish = (o: DispatchOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve(o);
      };
      // The deadline runs from the moment the gateway hands the job over, whether or not a socket is free yet.
      const deadline = setTimeout(() => {
        finish({ kind: 'failed', cause: 'upstream.timeout' });
        abort?.();
      }, this.deadlineMs);
      const handler: Dispatcher.DispatchHandlers = {
        onConnect: (a) => {
          abort = a;
          if (settled) a();
        },
        onHeaders: (statusCode) => {
          status = statusCode;
          return true;
        },
        onData: (chunk) => {
          chunks.push(chunk);
          return true;
        },
        onComplete: () => finish(interpret(status, Buffer.concat(chunks))),
        onError: (err: Error & { code?: string }) => {
          if (settled) return;
          // A kept-alive socket the dispatcher closed before this request reached it: a read (and only a
          // read) is safe to send again; if the dispatcher is really gone the retry is refused.
          if (mayRetry && err.code === 'UND_ERR_SOCKET') {
            settled = true;
            clearTimeout(deadline);
            resolve(this.attempt(job, false));
            return;
          }
          finish({ kind: 'failed', cause: UNREACHABLE.has(err.code ?? '') ? 'upstream.unreachable' : 'upstream.failed' });
        },
      };
      try {
        this.poolFor().dispatch({ path: JOBS_PATH, method: 'POST', headers: JOB_HEADERS, body: payload }, handler);
      } catch (err) {
        handler.onError?.(err as Error);
      }
    });
  }
}

function interpret(status: number, raw: Buffer): DispatchOutcome {
  if (status === DISPATCHER_STATUS.overloaded) return { kind: 'failed', cause: 'upstream.overloaded' };
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } catch {
    return { kind: 'failed', cause: 'upstream.failed' };
  }
  if (status === DISPATCHER_STATUS.done) return { kind: 'done', body: body.body };
  if (status === DISPATCHER_STATUS.refused && typeof body.cause === 'string') {
    return { kind: 'refused', cause: body.cause as CauseId, message: String(body.message ?? ''), msgId: typeof body.msg_id === 'string' ? body.msg_id : undefined };
  }
  return { kind: 'failed', cause: 'upstream.failed' };
}
