/**
 * What a cell's outcome means, and the client expectations the policy sets (contracts/statuses.json
 * `retry`: never, after-rate-limit-reset, backoff), each a small named check of the attempts the server
 * recorded. Pure functions of a finished cell's facts; none throws.
 */
import type { RetryAdvice } from '../contracts';

/** Scenarios beyond the catalogue's own responses. */
export type MatrixVariant = 'catalogue' | 'html-502' | 'refused' | 'reset-mid-body' | 'no-answer' | 'slow-headers' | 'html-200';

export type MatrixOutcome =
  /** The first answer was a 200 (or a slow 200) and the client resolved. */
  | 'success'
  /** The first answer failed, the client sent the request again, got the 200 and resolved. */
  | 'recovered'
  /** The client threw its own error type. */
  | 'typed-error'
  /** The client threw something else (TypeError, a string, a raw body), or threw outside its promise. */
  | 'untyped-crash'
  /** The answer failed and the client resolved as if it had succeeded. */
  | 'wrong-success'
  /** 200 answered and the client threw. */
  | 'error-on-success'
  /** The client neither resolved nor threw within the hang timeout. */
  | 'hang'
  /** The client's request did not match the interaction (wrong method or path); the cell says nothing about answers. */
  | 'request-mismatch'
  /** No request reached the server: the cell was not exercised, whatever the client did. */
  | 'not-exercised';

export const OUTCOMES: readonly MatrixOutcome[] = [
  'success', 'recovered', 'typed-error', 'untyped-crash', 'wrong-success', 'error-on-success', 'hang', 'request-mismatch', 'not-exercised',
];

/** The named client expectations the matrix checks. */
export type MatrixExpectation =
  | 'retry.not-retryable'
  | 'retry.before-rate-limit-reset'
  | 'retry.rate-limit-ignored'
  | 'retry.gave-up'
  | 'retry.no-backoff'
  | 'retry.duplicate-send'
  | 'transport.unsafe-retry-advice';

export type ExpectationSeverity = 'error' | 'warning' | 'off';

/**
 * The defaults follow docs/client.md's retry policy, which the reference client implements: each is a
 * defect there, so each is an error here. A team can relax one (`--severity retry.gave-up=warning`).
 */
export const DEFAULT_SEVERITY: Readonly<Record<MatrixExpectation, ExpectationSeverity>> = {
  'retry.not-retryable': 'error',
  'retry.before-rate-limit-reset': 'error',
  'retry.rate-limit-ignored': 'error',
  'retry.gave-up': 'error',
  'retry.no-backoff': 'error',
  'retry.duplicate-send': 'error',
  'transport.unsafe-retry-advice': 'error',
};

export const EXPECTATIONS = Object.keys(DEFAULT_SEVERITY) as MatrixExpectation[];

export interface MatrixViolation {
  readonly id: MatrixExpectation;
  readonly severity: Exclude<ExpectationSeverity, 'off'>;
  readonly message: string;
}

/** The facts of one finished cell the checks read. */
export interface CellFacts {
  readonly label: string;
  readonly variant: MatrixVariant;
  /** The first answer's HTTP status (catalogue and HTML 502 cells); undefined for transport faults. */
  readonly status?: number;
  /** The retry advice of the first answer. */
  readonly advice: RetryAdvice;
  /** Whether the first answer may have left the operation done (5xx from a gateway, a cut or silent connection). */
  readonly possiblyDelivered: boolean;
  /** The endpoint has an effect (catalogue `sends`) and the request carries no cid. */
  readonly sendsWithoutCid: boolean;
  /** Requests recorded; undefined when they cannot be counted (refused connection). */
  readonly attempts?: number;
  /** Milliseconds between the end of each answer and the next request, on the server's clock. */
  readonly delaysMs: readonly number[];
  /** Milliseconds the client waited of its own (its timers) before each retry; undefined when not recorded. */
  readonly backoffMs?: readonly number[];
  /** X-Rate-Limit-Reset of the first answer, in seconds. */
  readonly rateLimitResetSeconds?: number;
  readonly outcome: MatrixOutcome;
  /** What the client's error said about retrying (adapter `retryAdvisedOf`, `retryAfterMsOf`). */
  readonly retryAdvised?: boolean;
  readonly retryAfterMs?: number;
  /** Smallest wait that counts as a backoff. */
  readonly minBackoffMs: number;
}

type Check = (f: CellFacts) => { id: MatrixExpectation; message: string } | undefined;

const TOLERANCE_MS = 50;
const gaveUp = (f: CellFacts): boolean => f.outcome === 'typed-error' || f.outcome === 'untyped-crash' || f.outcome === 'wrong-success';

/** A status the policy says never to retry (a 4xx other than 429, a 500, an HTML 200) was sent again. */
export const notRetryable: Check = (f) =>
  f.advice === 'never' && (f.attempts ?? 0) > 1
    ? { id: 'retry.not-retryable', message: `${f.label}: sent ${f.attempts} times; the policy says never retry this answer` }
    : undefined;

/** A 429 retried sooner than its X-Rate-Limit-Reset. */
export const beforeRateLimitReset: Check = (f) => {
  if (f.advice !== 'after-rate-limit-reset' || (f.attempts ?? 0) < 2 || f.rateLimitResetSeconds === undefined) return undefined;
  const waited = f.delaysMs[0];
  return waited < f.rateLimitResetSeconds * 1000 - TOLERANCE_MS
    ? { id: 'retry.before-rate-limit-reset', message: `${f.label}: retried after ${Math.round(waited)} ms; X-Rate-Limit-Reset asked for ${f.rateLimitResetSeconds} s` }
    : undefined;
};

/** A 429 neither waited for nor handed to the caller with its reset. */
export const rateLimitIgnored: Check = (f) =>
  f.advice === 'after-rate-limit-reset' && f.attempts === 1 && gaveUp(f) && f.retryAfterMs === undefined
    ? { id: 'retry.rate-limit-ignored', message: `${f.label}: gave up at once without waiting ${f.rateLimitResetSeconds ?? '?'} s (X-Rate-Limit-Reset) and its error reports no wait` }
    : undefined;

/** A transient failure of a call that may be repeated was given up on without a single retry. */
export const gaveUpWithoutRetry: Check = (f) =>
  f.advice === 'backoff' && !(f.sendsWithoutCid && f.possiblyDelivered) && f.attempts === 1 && gaveUp(f)
    ? { id: 'retry.gave-up', message: `${f.label}: gave up after one request; the call is safe to repeat and the policy says retry with backoff` }
    : undefined;

/**
 * A retry of a transient failure sent sooner than a backoff. Judged on the client's own waits (the timers it
 * armed, client-waits.ts) when recorded: the server's delay also counts the time the shared event loop spent on
 * other cells, which made a client that retries at once look patient on a busy machine.
 */
export const noBackoff: Check = (f) => {
  if (f.advice !== 'backoff' || (f.attempts ?? 0) < 2) return undefined;
  const waits = f.backoffMs ?? f.delaysMs;
  if (waits.length === 0) return undefined;
  const at = waits.indexOf(Math.min(...waits));
  if (waits[at] >= f.minBackoffMs) return undefined;
  const message = f.backoffMs
    ? `${f.label}: retried after waiting ${Math.round(waits[at])} ms of its own (its timers; the server saw the retry ${Math.round(f.delaysMs[at] ?? 0)} ms after the failed answer), below a ${f.minBackoffMs} ms backoff`
    : `${f.label}: retried after ${Math.round(waits[at])} ms, below a ${f.minBackoffMs} ms backoff`;
  return { id: 'retry.no-backoff', message };
};

/** A sending call without cid sent again after an answer that may mean it was already done. */
export const duplicateSend: Check = (f) =>
  f.sendsWithoutCid && f.possiblyDelivered && (f.attempts ?? 0) > 1
    ? { id: 'retry.duplicate-send', message: `${f.label}: a sending call without cid was sent ${f.attempts} times after an answer that may mean it was done: a possible duplicate send` }
    : undefined;

/** The client's error calls a possibly-delivered send safe to retry. */
export const unsafeRetryAdvice: Check = (f) =>
  f.sendsWithoutCid && f.possiblyDelivered && f.retryAdvised === true
    ? { id: 'transport.unsafe-retry-advice', message: `${f.label}: the error says retry, but the send may have been done and carries no cid: a retry may send twice` }
    : undefined;

export const CHECKS: readonly Check[] = [notRetryable, beforeRateLimitReset, rateLimitIgnored, gaveUpWithoutRetry, noBackoff, duplicateSend, unsafeRetryAdvice];

/** The violations of a cell under the given severities (unjudgeable cells — hang, not exercised, mismatch — have none). */
export function judgeExpectations(f: CellFacts, severity: Readonly<Record<MatrixExpectation, ExpectationSeverity>>): MatrixViolation[] {
  if (f.outcome === 'hang' || f.outcome === 'not-exercised' || f.outcome === 'request-mismatch') return [];
  const out: MatrixViolation[] = [];
  for (const check of CHECKS) {
    const found = check(f);
    const level = found ? severity[found.id] : 'off';
    if (found && level !== 'off') out.push({ ...found, severity: level });
  }
  return out;
}

/** Outcomes that are what the policy asks of a client, given the first answer. */
export function outcomeIsAsSpecified(firstAnswerSucceeds: boolean, variant: MatrixVariant, outcome: MatrixOutcome): boolean {
  if (variant === 'slow-headers') return outcome === 'success' || outcome === 'recovered' || outcome === 'typed-error';
  if (firstAnswerSucceeds) return outcome === 'success';
  return outcome === 'typed-error' || outcome === 'recovered';
}
