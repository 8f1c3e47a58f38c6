import { defineRule } from '../define';

/** A code no table lists: the tables are incomplete (2008/2009 exist undocumented), so only a warning. */
export const businessCodeUnknown = defineRule({
  id: 'response.business-code.unknown',
  severity: 'warning',
  title: 'Business code not in the tables',
  declarative: true,
  appliesTo: (ex, ctx) => ctx.envelope !== undefined && ctx.api !== undefined && ex.response.status !== 200,
  check: (_ex, ctx) =>
    ctx.businessCode || !ctx.envelope
      ? []
      : [{ message: `code ${ctx.envelope.code} is in no ${ctx.api?.id} code table`, location: 'response.body.error.code', actual: ctx.envelope.code }],
});
