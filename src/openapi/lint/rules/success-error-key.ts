import { defineLintRule, type LintContext } from '../types';

/**
 * Whether a schema lets a body carry an `error` key: a property that is not `false`, or an object open
 * to additional properties. allOf admits it only if every branch does; anyOf/oneOf if one branch does.
 */
export function admitsErrorKey(schema: unknown, ctx: LintContext, seen: Set<unknown> = new Set()): boolean {
  const { node } = ctx.resolve(schema);
  if (node === false) return false;
  if (node === true || node === null || typeof node !== 'object') return true;
  if (seen.has(node)) return true;
  seen.add(node);
  const s = node as Record<string, unknown>;
  const types = s.type === undefined ? undefined : ([] as unknown[]).concat(s.type);
  if (types && !types.includes('object')) return false;
  if (Array.isArray(s.allOf) && !s.allOf.every((b) => admitsErrorKey(b, ctx, seen))) return false;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = s[key];
    if (Array.isArray(branches) && !branches.some((b) => admitsErrorKey(b, ctx, seen))) return false;
  }
  if (s.not !== undefined) {
    const not = ctx.resolve(s.not).node as Record<string, unknown> | undefined;
    if (Array.isArray(not?.required) && not.required.includes('error') && Object.keys(not).every((k) => k === 'required')) return false;
  }
  const props = (ctx.resolve(s.properties).node ?? {}) as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(props, 'error')) return admitsAnything(props.error, ctx);
  if (s.additionalProperties === false || s.unevaluatedProperties === false) return false;
  if (s.additionalProperties !== undefined) return admitsAnything(s.additionalProperties, ctx);
  return true;
}

/** false and {not: {}} admit no value; anything else admits some. */
function admitsAnything(schema: unknown, ctx: LintContext): boolean {
  const { node } = ctx.resolve(schema);
  if (node === false) return false;
  if (!node || typeof node !== 'object') return true;
  const not = (node as Record<string, unknown>).not;
  if (not === undefined) return true;
  const negated = ctx.resolve(not).node;
  return !(negated === true || (negated !== null && typeof negated === 'object' && Object.keys(negated).length === 0));
}

/** Rule 1: 200 means success and nothing else, so a 200's schema must not let the body carry an `error`. */
export const successErrorKey = defineLintRule({
  id: 'openapi.success.error-key',
  severity: 'error',
  title: 'Success schema admits an error key',
  check: (op, ctx) =>
    op.responses.flatMap((r) => {
      if (r.status === undefined || ctx.contracts.status(r.status)?.class !== 'success' || !r.json?.media.schema) return [];
      if (!admitsErrorKey(r.json.media.schema, ctx)) return [];
      return [{
        message: `the ${r.status} body schema of ${op.method} ${op.path} admits an \`error\` key; no exception may be answered with ${r.status} (declare \`error: false\` or close the object)`,
        location: `${r.json.pointer}/schema`,
      }];
    }),
});
