import { defineRule } from '../define';

/**
 * Rule 1 of the policy: 200 means success and nothing else. Pact matching misses this, because a
 * response may carry keys the pact does not mention, so an `error` key on a 200 passes it.
 */
export const errorOn200 = defineRule({
  id: 'response.body.error-on-200',
  severity: 'error',
  title: 'Success status carrying an error',
  declarative: true,
  appliesTo: (ex) => ex.response.status === 200,
  check: (_ex, ctx) => {
    const body = ctx.json;
    if (body && typeof body === 'object' && !Array.isArray(body) && 'error' in body) {
      return [{ message: '200 carries an `error` key: no exception may be answered with 200', location: 'response.body.error', actual: (body as Record<string, unknown>).error }];
    }
    if (ctx.envelope) {
      return [{ message: `200 carries an error envelope (code ${ctx.envelope.code}): no exception may be answered with 200`, location: 'response.body', actual: body }];
    }
    return [];
  },
});
