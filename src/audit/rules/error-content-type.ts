import { STATUS_MISMATCH } from '../types';
import { defineRule } from '../define';

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

/** Rule 4 of the policy: error details are JSON, and a client can only know that from Content-Type. */
export const errorContentType = defineRule({
  id: 'response.content-type.not-json',
  severity: 'error',
  title: 'Error response not declared as JSON',
  declarative: false,
  followsFrom: [STATUS_MISMATCH],
  appliesTo: (ex, ctx) => ctx.contracts.status(ex.response.status)?.envelopeRequired === true,
  check: (ex, ctx) => {
    const type = ctx.header('content-type');
    return type && JSON_TYPE.test(type)
      ? []
      : [{ message: `${ex.response.status} answered with Content-Type ${type ?? '(none)'}, not application/json`, location: 'response.headers.content-type', expected: 'application/json', actual: type ?? null }];
  },
});
