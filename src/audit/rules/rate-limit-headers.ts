import { STATUS_MISMATCH } from '../types';
import { defineRule } from '../define';

const NAMES = ['x-rate-limit-limit', 'x-rate-limit-quota', 'x-rate-limit-remaining', 'x-rate-limit-reset'] as const;
const COUNT = /^(0|[1-9][0-9]{0,9})$/;

/**
 * Every authenticated response carries X-Rate-Limit-Limit (or -Quota), -Remaining and -Reset. How
 * sure that is comes from contracts (rateLimitHeaders.certainty, and byCause for the cause of a
 * refusal): v3 documents it, v4 does not, and no source says whether a blacklisted app's 403 has them.
 */
export const rateLimitPresent = defineRule({
  id: 'response.header.rate-limit-missing',
  severity: 'error',
  title: 'Rate-limit headers missing',
  declarative: false,
  followsFrom: [STATUS_MISMATCH, 'response.body.error-on-200'],
  appliesTo: (_ex, ctx) => ctx.authenticated && ctx.api !== undefined,
  check: (_ex, ctx) => {
    const missing = [
      ctx.header('x-rate-limit-limit') ?? ctx.header('x-rate-limit-quota') ? undefined : 'x-rate-limit-limit',
      ctx.header('x-rate-limit-remaining') === undefined ? 'x-rate-limit-remaining' : undefined,
      ctx.header('x-rate-limit-reset') === undefined ? 'x-rate-limit-reset' : undefined,
    ].filter((x): x is string => x !== undefined);
    if (missing.length === 0) return [];
    const fact = ctx.api?.rateLimitHeaders;
    const byCause = ctx.businessCode?.causes.map((c) => fact?.byCause?.[c]).find((x) => x !== undefined);
    const certainty = byCause?.certainty ?? fact?.certainty;
    const why = byCause ? ` (${byCause.note})` : '';
    return missing.map((name) => ({ message: `authenticated response lacks ${name}${why}`, location: `response.headers.${name}`, certainty }));
  },
});

/** Present rate-limit headers are non-negative integers (the Java SDK parses them with Integer.parseInt). */
export const rateLimitInteger = defineRule({
  id: 'response.header.rate-limit-invalid',
  severity: 'error',
  title: 'Rate-limit header not a non-negative integer',
  declarative: false,
  check: (_ex, ctx) =>
    NAMES.flatMap((name) => {
      const value = ctx.header(name);
      return value === undefined || COUNT.test(value.trim())
        ? []
        : [{ message: `${name} is ${JSON.stringify(value)}, not a non-negative integer`, location: `response.headers.${name}`, actual: value }];
    }),
});

/** Remaining can never exceed the window's limit. */
export const rateLimitConsistent = defineRule({
  id: 'response.header.rate-limit-inconsistent',
  severity: 'error',
  title: 'Rate-limit Remaining above Limit',
  declarative: false,
  check: (_ex, ctx) => {
    const limit = ctx.header('x-rate-limit-limit') ?? ctx.header('x-rate-limit-quota');
    const remaining = ctx.header('x-rate-limit-remaining');
    if (limit === undefined || remaining === undefined || !COUNT.test(limit.trim()) || !COUNT.test(remaining.trim())) return [];
    return Number(remaining) <= Number(limit)
      ? []
      : [{ message: `x-rate-limit-remaining ${remaining} exceeds the limit ${limit}`, location: 'response.headers.x-rate-limit-remaining', expected: `<= ${limit}`, actual: remaining }];
  },
});
