/**
 * The reference client's error model: every failure is a PushApiError whose fields say what happened
 * (HTTP status, business code, msg_id, rate-limit info) and whether retrying is advised, so callers
 * branch on data instead of parsing messages.
 */

/** What went wrong: the API answered an error, it answered garbage, or it did not answer in time or at all. */
export type PushErrorKind = 'http' | 'invalid-response' | 'timeout' | 'network';

export interface RateLimitInfo {
  /** X-Rate-Limit-Limit (or its alias X-Rate-Limit-Quota). */
  readonly limit?: number;
  readonly remaining?: number;
  /** Seconds until the window resets. */
  readonly resetSeconds?: number;
}

export interface PushApiErrorFields {
  readonly kind: PushErrorKind;
  /** HTTP status; undefined for timeouts and network errors. */
  readonly status?: number;
  /** Business code from the error envelope (nested or flat); undefined when the body carried none. */
  readonly code?: number;
  readonly message: string;
  /** Top-level msg_id of the envelope, when the API allocated one. */
  readonly msgId?: string;
  readonly rateLimit?: RateLimitInfo;
  /** Whether retrying the same request later is advised (policy and, for pushes, the cid rule). */
  readonly retryAdvised: boolean;
  /** When a retry is advised after a known wait (429 with X-Rate-Limit-Reset), that wait. */
  readonly retryAfterMs?: number;
  /** Response Content-Type, for telling a JSON envelope from a proxy's HTML page. */
  readonly contentType?: string;
  /** The first 200 characters of a body that was not a JSON envelope. */
  readonly bodySnippet?: string;
  /** Requests made in total, the first included. */
  readonly attempts: number;
  readonly method: string;
  readonly path: string;
}

// Declaration merging gives the class every field of PushApiErrorFields, listed once above
// (message comes from Error itself).
export interface PushApiError extends Omit<PushApiErrorFields, 'message'> {}
export class PushApiError extends Error {
  readonly #fields: PushApiErrorFields;

  constructor(fields: PushApiErrorFields) {
    super(fields.message);
    this.name = 'PushApiError';
    this.#fields = { ...fields };
    Object.assign(this, this.#fields);
  }

  /** The same error with another attempt count (the count is known only when retrying stops). */
  withAttempts(attempts: number): PushApiError {
    return new PushApiError({ ...this.#fields, attempts });
  }

  fields(): PushApiErrorFields {
    return { ...this.#fields };
  }
}

export function isPushApiError(err: unknown): err is PushApiError {
  return err instanceof PushApiError;
}
