import { defineRule } from '../define';

/** A 405 tells the client which methods the path does support (RFC 9110 section 15.5.6). */
export const allowHeader = defineRule({
  id: 'response.header.allow-missing',
  severity: 'error',
  title: '405 without Allow',
  declarative: false,
  appliesTo: (ex) => ex.response.status === 405,
  check: (_ex, ctx) => {
    const allow = ctx.header('allow');
    if (allow === undefined || allow.trim() === '') {
      return [{ message: '405 carries no Allow header', location: 'response.headers.allow', expected: ctx.route.kind === 'method-not-allowed' ? ctx.route.allowed.join(', ') : 'a method list' }];
    }
    if (ctx.route.kind !== 'method-not-allowed') return [];
    const listed = new Set(allow.split(',').map((m) => m.trim().toUpperCase()));
    const missing = ctx.route.allowed.filter((m) => !listed.has(m));
    return missing.length === 0
      ? []
      : [{ message: `Allow lists ${allow} but the path supports ${ctx.route.allowed.join(', ')}`, location: 'response.headers.allow', severity: 'warning', expected: ctx.route.allowed, actual: allow }];
  },
});
