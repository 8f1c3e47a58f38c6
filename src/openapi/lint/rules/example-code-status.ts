import type { RuleResult } from '../../../audit/types';
import { defineLintRule, pointerSegment, type LintContext, type LintResponse } from '../types';

/** The business code an example body carries, nested ({error: {code}}) or flat ({code, message}). */
function codeOf(body: unknown): number | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const o = body as Record<string, unknown>;
  const nested = o.error as Record<string, unknown> | undefined;
  if (nested && typeof nested === 'object' && Number.isInteger(nested.code)) return nested.code as number;
  if (Number.isInteger(o.code) && 'message' in o) return o.code as number;
  return undefined;
}

/** Every example of a response body, with its pointer: the media's example, its named examples, the schema's. */
function examplesOf(r: LintResponse, ctx: LintContext): Array<{ value: unknown; pointer: string }> {
  if (!r.json) return [];
  const { media, pointer } = r.json;
  const out: Array<{ value: unknown; pointer: string }> = [];
  if (media.example !== undefined) out.push({ value: media.example, pointer: `${pointer}/example` });
  for (const [name, ex] of Object.entries((media.examples ?? {}) as Record<string, unknown>)) {
    const resolved = ctx.resolve(ex).node as Record<string, unknown> | undefined;
    if (resolved && 'value' in resolved) out.push({ value: resolved.value, pointer: `${pointer}/examples/${pointerSegment(name)}/value` });
  }
  const schema = media.schema as Record<string, unknown> | undefined;
  if (schema && typeof schema === 'object') {
    if (schema.example !== undefined) out.push({ value: schema.example, pointer: `${pointer}/schema/example` });
    if (Array.isArray(schema.examples)) schema.examples.forEach((value, i) => out.push({ value, pointer: `${pointer}/schema/examples/${i}` }));
  }
  return out;
}

/**
 * An example's business code must belong to the status it is an example of (contracts/business-codes).
 * A code whose source documents this status against the policy is a warning, as in the audit; a 200
 * example carrying an error code contradicts rule 1.
 */
export const exampleCodeStatus = defineLintRule({
  id: 'openapi.example.code-status-mismatch',
  severity: 'error',
  title: 'Example whose business code contradicts its status',
  check: (op, ctx) =>
    op.responses.flatMap((r): RuleResult[] => {
      if (r.status === undefined) return [];
      const status = r.status;
      const success = ctx.contracts.status(status)?.class === 'success';
      return examplesOf(r, ctx).flatMap(({ value, pointer }): RuleResult[] => {
        const code = codeOf(value);
        if (code === undefined) return [];
        // A code the endpoint's own success body carries (template push, vendor quota: code 0) is no error code.
        if (success && op.endpoint && op.endpoint.success !== 'empty' && ctx.contracts.validate(op.endpoint.success, value).valid) return [];
        if (success) return [{ message: `a ${status} example of ${op.method} ${op.path} carries error code ${code}; no exception may be answered with ${status}`, location: pointer, actual: code }];
        const bc = ctx.contracts.businessCode(op.api, op.family, code);
        if (!bc || bc.status === status) return [];
        const documented = bc.documentedStatus === status;
        return [{
          message: documented
            ? `a ${status} example of ${op.method} ${op.path} carries code ${code}, answered with ${status} as its source documents; the policy wants ${bc.status} (${bc.note ?? 'documented conflict'})`
            : `a ${status} example of ${op.method} ${op.path} carries code ${code} (${bc.message}), which belongs to ${bc.status}`,
          location: pointer,
          expected: bc.status,
          actual: status,
          ...(documented ? { certainty: bc.certainty } : {}),
        }];
      });
    }),
});
