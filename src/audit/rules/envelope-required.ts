import { STATUS_MISMATCH } from '../types';
import { defineRule, bodyLocation } from '../define';

/**
 * Every error status carries the envelope that applies: the endpoint's own where the catalogue gives one
 * (template push: flat), else the API's (v3 nested, v4 nested or flat; contracts/schemas/common).
 */
export const envelopeRequired = defineRule({
  id: 'response.envelope.invalid',
  severity: 'error',
  title: 'Error response without a valid error envelope',
  declarative: true,
  followsFrom: [STATUS_MISMATCH, 'response.content-type.not-json'],
  appliesTo: (ex, ctx) => ctx.api !== undefined && ctx.contracts.status(ex.response.status)?.envelopeRequired === true,
  check: (ex, ctx) => {
    const api = ctx.api;
    const envelope = ctx.errorEnvelope;
    if (!api || !envelope) return [];
    if (!ctx.bodyIsJson) {
      const shown = ex.response.body.trim() === '' ? 'an empty body' : `a non-JSON body (${JSON.stringify(ex.response.body.slice(0, 60))})`;
      return [{ message: `${ex.response.status} carries ${shown} instead of the ${api.id} error envelope`, location: 'response.body', expected: envelope }];
    }
    const r = ctx.contracts.validate(envelope, ctx.json);
    if (r.valid) return [];
    // anyOf (v4) reports every branch's errors; the first one names the problem well enough.
    const issue = r.errors.find((e) => e.keyword !== 'anyOf') ?? r.errors[0];
    return [{ message: `${ex.response.status} body is not a valid ${api.id} error envelope: ${issue.message}`, location: bodyLocation(issue.pointer), expected: envelope, actual: ctx.json }];
  },
});
