import { STATUS_MISMATCH } from '../types';
import { defineRule, bodyLocation } from '../define';

/** A 200 must be the endpoint's documented success: its schema, or no body where none is documented. */
export const successSchema = defineRule({
  id: 'response.body.success-schema',
  severity: 'error',
  title: 'Success body does not match its schema',
  declarative: true,
  followsFrom: [STATUS_MISMATCH, 'response.body.error-on-200'],
  appliesTo: (ex, ctx) => ex.response.status === 200 && ctx.endpoint !== undefined,
  check: (ex, ctx) => {
    const e = ctx.endpoint;
    if (!e) return [];
    if (e.success === 'empty') {
      return ex.response.body.trim() === ''
        ? []
        : [{ message: `${e.id} documents an empty 200 body, got ${ex.response.body.length} bytes`, location: 'response.body', severity: 'warning', expected: '', actual: ex.response.body.slice(0, 200) }];
    }
    if (!ctx.bodyIsJson) {
      return [{ message: `200 body of ${e.id} is not JSON`, location: 'response.body', expected: e.success, actual: ex.response.body.slice(0, 200) }];
    }
    const r = ctx.contracts.validate(e.success, ctx.json);
    return r.errors.map((issue) => ({
      message: `200 body of ${e.id} breaks its schema: ${issue.message}${issue.keyword === 'additionalProperties' ? ` '${String(issue.params.additionalProperty)}'` : ''}`,
      location: bodyLocation(issue.pointer),
      expected: e.success,
    }));
  },
});
