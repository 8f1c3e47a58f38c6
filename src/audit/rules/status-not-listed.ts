import { STATUS_MISMATCH } from '../types';
import { defineRule } from '../define';

/** A catalogued status the endpoint is not documented to answer: allowed by the policy, worth a look. */
export const statusNotListed = defineRule({
  id: 'response.status.not-listed',
  severity: 'warning',
  title: 'Status not listed for the endpoint',
  declarative: true,
  followsFrom: [STATUS_MISMATCH],
  appliesTo: (ex, ctx) => ctx.endpoint !== undefined && ctx.contracts.isCatalogued(ex.response.status),
  check: (ex, ctx) => {
    const e = ctx.endpoint;
    if (!e || e.statuses.includes(ex.response.status as never)) return [];
    return [{
      message: `${e.api} ${e.id} is not catalogued to answer ${ex.response.status}`,
      location: 'response.status',
      expected: e.statuses,
      actual: ex.response.status,
    }];
  },
});
