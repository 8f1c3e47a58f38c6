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

export class PushApiError extends Error implements PushApiErrorFields {
  readonly kind: PushErrorKind;
  readonly status?: number;
  readonly code?: number;
  readonly msgId?: string;
  readonly rateLimit?: RateLimitInfo;
  readonly retryAdvised: boolean;
  readonly retryAfterMs?: number;
  readonly contentType?: string;
  readonly bodySnippet?: string;
  readonly attempts: number;
  readonly method: string;
  readonly path: string;

  constructor(fields: PushApiErrorFields) {
    super(fields.message);
    this.name = 'PushApiError';
    this.kind = fields.kind;
    this.status = fields.status;
    this.code = fields.code;
    this.msgId = fields.msgId;
    this.rateLimit = fields.rateLimit;
    this.retryAdvised = fields.retryAdvised;
    this.retryAfterMs = fields.retryAfterMs;
    this.contentType = fields.contentType;
    this.bodySnippet = fields.bodySnippet;
    this.attempts = fields.attempts;
    this.method = fields.method;
    this.path = fields.path;
  }

  /** The same error with another attempt count (the count is known only when retrying stops). */
  withAttempts(attempts: number): PushApiError {
    return new PushApiError({ ...this.fields(), attempts });
  }

  fields(): PushApiErrorFields {
    return {
      kind: this.kind, status: this.status, code: this.code, message: this.message, msgId: this.msgId, rateLimit: this.rateLimit,
      retryAdvised: this.retryAdvised, retryAfterMs: this.retryAfterMs, contentType: this.contentType, bodySnippet: this.bodySnippet,
      attempts: this.attempts, method: this.method, path: this.path,
    };
  }
}

export function isPushApiError(err: unknown): err is PushApiError {
  return err instanceof PushApiError;
}
