import type { RuleResult } from '../../../audit/types';
import { defineLintRule } from '../types';

/** The policy has twelve statuses; a response under any other is outside it, and a range or default hides which. */
export const statusUnknown = defineLintRule({
  id: 'openapi.status.unknown',
  severity: 'error',
  title: 'Response status outside the policy',
  check: (op, ctx) => {
    const known = ctx.contracts.statuses.map((s) => s.code);
    return op.responses.flatMap((r): RuleResult[] => {
      if (r.status !== undefined) {
        return ctx.contracts.isCatalogued(r.status)
          ? []
          : [{ message: `${op.method} ${op.path} documents ${r.status}, which is not one of the policy's statuses (${known.join(', ')})`, location: r.pointer, expected: known, actual: r.status }];
      }
      return [{
        message: `${op.method} ${op.path} documents '${r.key}', which covers statuses outside the policy; list the policy's statuses it answers instead`,
        location: r.pointer,
        expected: known,
        actual: r.key,
        severity: 'warning' as const,
      }];
    });
  },
});
