import { STATUS_MISMATCH } from '../types';
import type { RuleResult } from '../types';
import { defineRule } from '../define';

/** The members of the object at a JSON pointer ('' the body), or undefined when there is none. */
function itemsAt(body: unknown, pointer: string): Record<string, unknown> | undefined {
  let node = body;
  for (const seg of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node !== null && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>) : undefined;
}

/**
 * Batch and group push answer 200 and report each item's failure (a cid, a target, an app of the group)
 * in that item's own error envelope; rule 1 judges the whole answer, this rule each failed item: its
 * envelope must be {error: {code: int, message: string}}, its code one the code tables know, and the
 * code's status one that fails an item (itemResults.statuses) rather than the whole request, which
 * must be answered with its own status. Findings rest on the endpoint's per-item fact (itemResults.certainty).
 */
export const batchItemEnvelope = defineRule({
  id: 'response.batch.item-envelope',
  severity: 'error',
  title: 'Batch or group item failure not reported by its envelope',
  declarative: true,
  followsFrom: [STATUS_MISMATCH, 'response.body.error-on-200'],
  appliesTo: (ex, ctx) => ex.response.status === 200 && ctx.endpoint?.itemResults !== undefined,
  check: (_ex, ctx) => {
    const e = ctx.endpoint;
    const spec = e?.itemResults;
    if (!e || !spec) return [];
    const base = spec.at === '' ? 'response.body' : `response.body${spec.at.split('/').join('.')}`;
    const items = itemsAt(ctx.json, spec.at);
    const fact = { certainty: spec.certainty };
    if (!items) return [{ message: `200 of ${e.id} has no object of item results at ${spec.at || 'the body'}, so no item was judged`, location: base, ...fact }];
    const keys = Object.keys(items).filter((k) => !spec.skip.includes(k));
    // A pact may declare a 200 without naming items (group push keys are the provider's app keys): say so, do not fail it.
    if (keys.length === 0) return [{ message: `200 of ${e.id} reports no item: nothing was judged`, location: base, severity: 'warning' }];
    const out: RuleResult[] = [];
    for (const key of keys) {
      const item = items[key];
      const at = `${base}.${key}`;
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        out.push({ message: `item ${key} of ${e.id} is not an object: neither a result nor an error envelope`, location: at, actual: item, ...fact });
        continue;
      }
      const o = item as Record<string, unknown>;
      if (!('error' in o)) {
        if (o.success === false) out.push({ message: `item ${key} of ${e.id} reports success false without its error envelope`, location: at, actual: item, ...fact });
        continue;
      }
      const env = o.error as Record<string, unknown> | null;
      if (env === null || typeof env !== 'object' || !Number.isInteger(env.code) || typeof env.message !== 'string') {
        out.push({ message: `item ${key} of ${e.id} fails without an error envelope {code: integer, message: string}`, location: `${at}.error`, expected: { code: 'integer', message: 'string' }, actual: o.error, ...fact });
        continue;
      }
      const code = env.code as number;
      const bc = ctx.api ? ctx.contracts.businessCode(ctx.api.id, e.family, code) : undefined;
      if (!bc) {
        out.push({ message: `item ${key} of ${e.id} fails with code ${code}, which is in no ${e.api} code table of family ${e.family}`, location: `${at}.error.code`, actual: code, ...fact });
        continue;
      }
      if (!spec.statuses.includes(bc.status)) {
        out.push({
          message: `item ${key} of ${e.id} fails with code ${code} (${bc.message}), a ${bc.status}: that fails the whole request, which must be answered with ${bc.status}, not inside a 200`,
          location: `${at}.error.code`,
          expected: spec.statuses,
          actual: bc.status,
          // The weaker of the two facts: the per-item shape, and the code's own status.
          certainty: ctx.contracts.isFirm(bc.certainty) ? spec.certainty : bc.certainty,
        });
      }
    }
    return out;
  },
});
