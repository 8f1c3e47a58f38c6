import { defineLintRule, type LintContext, type LintOperation, type LintResponse } from '../types';
import type { RuleResult } from '../../../audit/types';

// Bodies that are not an error envelope in any form: an envelope schema must refuse each.
const NOT_ENVELOPES: readonly unknown[] = [{}, { message: 'refused' }, { error: 'refused' }, { error: { message: 'refused' } }, 'refused', []];

/** The envelope that applies: the catalogued endpoint's own (template push: flat), else the API's. */
function envelopeOf(ctx: LintContext, op: LintOperation): string {
  return op.endpoint?.errorEnvelope ?? ctx.contracts.apis[op.api].errorEnvelope;
}

/** Envelopes in each form the envelope that applies allows (nested, flat or both), for these codes. */
function envelopesFor(ctx: LintContext, op: LintOperation, codes: readonly number[]): unknown[] {
  const envelope = envelopeOf(ctx, op);
  return codes.flatMap((code) =>
    [{ error: { code, message: 'm' } }, { code, message: 'm' }].filter((body) => ctx.contracts.validate(envelope, body).valid),
  );
}

function checkResponse(op: LintOperation, r: LintResponse & { status: number }, ctx: LintContext): RuleResult[] {
  const schema = r.json?.media.schema;
  if (schema === undefined || !r.json) return [];
  const location = `${r.json.pointer}/schema`;
  let validate: (data: unknown) => boolean;
  try {
    const fn = ctx.compile(schema);
    validate = (d) => fn(d) as boolean;
  } catch (err) {
    return [{ message: `the ${r.status} body schema of ${op.method} ${op.path} cannot be compiled: ${(err as Error).message}`, location, severity: 'warning' }];
  }
  const api = ctx.contracts.apis[op.api];
  const admitted = NOT_ENVELOPES.find((body) => validate(body));
  if (admitted !== undefined) {
    return [{
      message: `the ${r.status} body schema of ${op.method} ${op.path} admits ${JSON.stringify(admitted)}, which is not the ${op.api} error envelope${r.via ? ` (response ${r.via})` : ''}`,
      location,
      expected: envelopeOf(ctx, op),
      actual: admitted,
    }];
  }
  const codes = [...new Set(api.codeTables.flatMap((t) => t.codes.filter((c) => c.status === r.status).map((c) => c.code)))];
  const envelopes = envelopesFor(ctx, op, codes);
  if (envelopes.length === 0 || envelopes.some((body) => validate(body))) return [];
  return [{
    message: `the ${r.status} body schema of ${op.method} ${op.path} accepts no ${op.api} error envelope with a code the policy answers ${r.status} with (${codes.join(', ')})`,
    location,
    expected: envelopes[0],
  }];
}

/** Rule 4: an error response's body is the API's error envelope: it refuses anything else and accepts the envelope. */
export const errorNotEnvelope = defineLintRule({
  id: 'openapi.error.not-envelope',
  severity: 'error',
  title: 'Error response whose schema is not the error envelope',
  check: (op, ctx) =>
    op.responses.flatMap((r) =>
      r.status !== undefined && ctx.contracts.status(r.status)?.envelopeRequired === true ? checkResponse(op, { ...r, status: r.status }, ctx) : [],
    ),
});
