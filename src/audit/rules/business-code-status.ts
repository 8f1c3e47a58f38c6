import { STATUS_MISMATCH } from '../types';
import { defineRule } from '../define';

/**
 * The business code and the HTTP status must agree with contracts/business-codes. The result rests on
 * the code's certainty: answering a conflicting code with the status its source documents
 * (documentedStatus), or a code whose status is only uncertain, is a warning by default.
 */
export const businessCodeStatus = defineRule({
  id: 'response.business-code.status-mismatch',
  severity: 'error',
  title: 'Business code answered with the wrong status',
  declarative: true,
  followsFrom: [STATUS_MISMATCH],
  appliesTo: (ex, ctx) => ctx.envelope !== undefined && ctx.businessCode !== undefined && ex.response.status !== 200,
  check: (ex, ctx) => {
    const bc = ctx.businessCode;
    if (!bc || bc.status === ex.response.status) return [];
    const documented = bc.documentedStatus === ex.response.status;
    return [{
      message: documented
        ? `code ${bc.code} answered with ${ex.response.status} as its source documents; the policy wants ${bc.status} (${bc.note ?? 'documented conflict'})`
        : `code ${bc.code} (${bc.message}) belongs to ${bc.status}, answered with ${ex.response.status}`,
      location: 'response.body.error.code',
      expected: bc.status,
      actual: ex.response.status,
      // A third status fits neither the source nor the policy: that is firmly wrong, whatever the conflict.
      certainty: documented ? bc.certainty : bc.certainty === 'conflict' ? undefined : bc.certainty,
    }];
  },
});
