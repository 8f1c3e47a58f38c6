/** The adapter a user writes, and what one call of it reports: types only, shared by the run, the loader and the worker. */
import type { ApiId } from '../contracts';
import type { RequestExample } from '../consumer/plan';
import type { Credentials } from '../credentials';
import type { ClientTimer } from './client-waits';

/** What the adapter gets for one call. */
export interface AdapterContext {
  readonly api: ApiId;
  /** The endpoint id of the call, e.g. 'device.get'. */
  readonly endpoint: string;
  /** Origin the client must send to (`http://127.0.0.1:<port>`, no path). */
  readonly baseUrl: string;
  /**
   * The catalogue's example request for the endpoint: `{ method, path, params, query?, body?, credentials }`.
   * `path` is filled (`/v3/devices/1a0018970a1b2c3d4e5`), `params` are the path parameters by name, `query`
   * values are strings (`{ page: '1' }`), `body` is the parsed JSON object (not a string).
   */
  readonly example: RequestExample;
  readonly credentials: Credentials;
  /** The matrix gives up on the call after this long; a client timeout below it avoids a "hang". */
  readonly hangTimeoutMs: number;
}

/**
 * How the matrix drives one client. Each call makes the client perform the endpoint's operation and
 * returns what the client returned (or throws what it threw); nothing else.
 */
export interface MatrixAdapter {
  /** Shown in reports, e.g. 'jpush-async 4.2.0'. */
  readonly name: string;
  readonly api: ApiId;
  /** One function per endpoint id the client supports. */
  readonly calls: Readonly<Partial<Record<string, (ctx: AdapterContext) => Promise<unknown>>>>;
  /** Whether a thrown value is the client's own, documented error type. */
  isTypedError(err: unknown): boolean;
  /** The HTTP status the client's error reports, if it reports one (to spot lost statuses). */
  statusOf?(err: unknown): number | undefined;
  /** The business code the client's error reports, if any. */
  codeOf?(err: unknown): number | undefined;
  /** Whether the client's error tells its caller the call is safe to send again (flags unsafe advice on a possibly-done push). */
  retryAdvisedOf?(err: unknown): boolean | undefined;
  /** The wait the client's error hands to its caller (a 429 it did not wait out itself), in ms. */
  retryAfterMsOf?(err: unknown): number | undefined;
}

/** What one call did, described where the call ran (thrown values are described, never passed on). */
export interface CallReport {
  readonly kind: 'resolved' | 'rejected' | 'hang' | 'crashed';
  readonly detail: string;
  readonly typed?: boolean;
  readonly reportedStatus?: number;
  readonly reportedCode?: number;
  readonly retryAdvised?: boolean;
  readonly retryAfterMs?: number;
  /**
   * The timers the call armed (client-waits.ts), on the monotonic clock: the client's own waits. A runner that
   * cannot record them leaves this out, and the backoff verdict falls back to the server's delays.
   */
  readonly timers?: readonly ClientTimer[];
}

/** Runs one adapter call and reports what it did; the in-process one and the isolated one share it. */
export type CallRunner = (endpoint: string, ctx: AdapterContext) => Promise<CallReport>;

