import { defineRule } from '../define';

/** The policy has twelve statuses; anything else is outside it, whatever the pact expected. */
export const statusUnknown = defineRule({
  id: 'response.status.unknown',
  severity: 'error',
  title: 'Status outside the policy catalogue',
  declarative: true,
  check: (ex, ctx) =>
    ctx.contracts.isCatalogued(ex.response.status)
      ? []
      : [{
          message: `status ${ex.response.status} is not one of the policy's statuses (${ctx.contracts.statuses.map((s) => s.code).join(', ')})`,
          location: 'response.status',
          expected: ctx.contracts.statuses.map((s) => s.code),
          actual: ex.response.status,
        }],
});
