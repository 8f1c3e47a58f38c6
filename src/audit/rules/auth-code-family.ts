import { defineRule } from '../define';

/** Each family fails authentication with its own codes: push 1004, report 3001, device 7001/7004, ... */
export const authCodeFamily = defineRule({
  id: 'response.business-code.auth-family',
  severity: 'error',
  title: '401 with a code of another family',
  declarative: true,
  appliesTo: (ex, ctx) => ex.response.status === 401 && ctx.envelope !== undefined && ctx.api !== undefined && ctx.family !== undefined,
  check: (_ex, ctx) => {
    const family = ctx.family && ctx.api ? ctx.api.families[ctx.family] : undefined;
    if (!family || !ctx.envelope || family.authFailureCodes.includes(ctx.envelope.code)) return [];
    return [{
      message: `401 on the ${family.id} family carries code ${ctx.envelope.code}; that family fails authentication with ${family.authFailureCodes.join(' or ')}`,
      location: 'response.body.error.code',
      expected: family.authFailureCodes,
      actual: ctx.envelope.code,
    }];
  },
});
