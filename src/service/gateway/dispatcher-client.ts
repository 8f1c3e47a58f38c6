import * as http from 'node:http';
import type { CauseId } from '../../contracts';
import { DISPATCHER_STATUS, JOBS_PATH } from '../dispatcher/server';
import type { OperationRequest } from '../dispatcher/operations';

/** How a job came back, already in the gateway's terms: a result, or the cause of a failure. */
export type DispatchOutcome =
  | { readonly kind: 'done'; readonly body?: unknown }
  | { readonly kind: 'refused'; readonly cause: CauseId; readonly message: string; readonly msgId?: string }
  | { readonly kind: 'failed'; readonly cause: CauseId };

/** Connection errors that mean nobody is listening or the process went away mid-answer. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * The gateway's client for the dispatcher: one keep-alive agent, one deadline per job. It maps what
 * happens on the wire to causes: refused connection 'upstream.unreachable', deadline passed
 * 'upstream.timeout', 503 'upstream.overloaded', 500 or anything unexpected 'upstream.failed'.
 */
export class DispatcherClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 60_000 });

  constructor(private readonly baseUrl: () => string, private readonly deadlineMs: number) {}

  /** `safeToRepeat`: the job only reads (a GET), so it may be sent again if a stale connection drops it. */
  dispatch(job: OperationRequest, safeToRepeat: boolean): Promise<DispatchOutcome> {
    return this.attempt(job, safeToRepeat);
  }

  close(): void {
    this.agent.destroy();
  }

  private attempt(job: OperationRequest, mayRetry: boolean): Promise<DispatchOutcome> {
    const payload = JSON.stringify(job);
    return new Promise<DispatchOutcome>((resolve) => {
      let settled = false;
      const finish = (o: DispatchOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve(o);
      };
      const req = http.request(`${this.baseUrl()}${JOBS_PATH}`, {
        method: 'POST',
        agent: this.agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      });
      const deadline = setTimeout(() => {
        finish({ kind: 'failed', cause: 'upstream.timeout' });
        req.destroy();
      }, this.deadlineMs);
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (settled) return;
        // A keep-alive socket the dispatcher closed before this request reached it: the job was never
        // received, so a read (and only a read) is safe to send again on a fresh connection.
        if (mayRetry && req.reusedSocket && err.code === 'ECONNRESET') {
          clearTimeout(deadline);
          settled = true;
          resolve(this.attempt(job, false));
          return;
        }
        finish({ kind: 'failed', cause: UNREACHABLE.has(err.code ?? '') || err.message === 'socket hang up' ? 'upstream.unreachable' : 'upstream.failed' });
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', () => finish({ kind: 'failed', cause: 'upstream.unreachable' }));
        res.on('aborted', () => finish({ kind: 'failed', cause: 'upstream.unreachable' }));
        res.on('end', () => finish(interpret(res.statusCode ?? 0, Buffer.concat(chunks))));
      });
      req.end(payload);
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
