import { audit } from '../audit/audit';
import { rules } from '../audit/rules';
import { STATUS_MISMATCH, type Finding, type InteractionRef } from '../audit/types';
import { rootCauses } from './causes';
import type { ReportCase } from './model';
import { problemLines } from './text';

const ref: InteractionRef = { description: 'push', consumer: 'app', provider: 'jpush-v3' };
const f = (ruleId: string, followsFrom?: string[], severity: 'error' | 'warning' = 'error'): Finding => ({
  ruleId, severity, message: ruleId, location: 'response', interaction: ref, ...(followsFrom ? { followsFrom } : {}),
});
const kase = (expected: number, actual: number, findings: Finding[], accepted?: boolean): ReportCase => ({
  ref, endpoint: { api: 'jpush-v3', id: 'push' }, request: { method: 'POST', path: '/v3/push' },
  status: { expected, actual, ...(accepted ? { accepted } : {}) }, pact: { outcome: 'not-run', mismatches: [] }, findings, errors: [],
});

describe('root causes', () => {
  it('fold the follow-ons of a status mismatch under it, first', () => {
    const rl = f('response.header.rate-limit-missing', [STATUS_MISMATCH, 'response.body.error-on-200']);
    const roots = rootCauses(kase(401, 200, [rl, rl, rl]));
    expect(roots).toEqual([{ id: STATUS_MISMATCH, followOns: [rl, rl, rl] }]);
  });

  it('fold under the first present cause the rule names, and follow a chain to its top', () => {
    const ct = f('response.content-type.not-json', [STATUS_MISMATCH]);
    const env = f('response.envelope.invalid', [STATUS_MISMATCH, 'response.content-type.not-json']);
    // Without a status mismatch the content type is the root and the envelope follows it.
    expect(rootCauses(kase(500, 500, [ct, env]))).toEqual([{ id: ct.ruleId, finding: ct, followOns: [env] }]);
    // With one, both fold under the status (the content type is itself a follow-on).
    expect(rootCauses(kase(200, 500, [ct, env]))).toEqual([{ id: STATUS_MISMATCH, followOns: [ct, env] }]);
  });

  it('keep a finding a root when what it follows from is absent, errors before warnings', () => {
    const warn = f('response.business-code.unknown', undefined, 'warning');
    const rl = f('response.header.rate-limit-missing', [STATUS_MISMATCH]);
    expect(rootCauses(kase(200, 200, [warn, rl])).map((r) => r.id)).toEqual(['response.header.rate-limit-missing', 'response.business-code.unknown']);
  });

  it('leave the members of a cycle roots instead of losing them', () => {
    const a = f('a', ['b']);
    const b = f('b', ['a']);
    expect(rootCauses(kase(200, 200, [a, b])).map((r) => r.id)).toEqual(['a', 'b']);
  });

  it('see no status mismatch when the answer is an alternative the case accepts', () => {
    const rl = f('response.header.rate-limit-missing', [STATUS_MISMATCH]);
    expect(rootCauses(kase(400, 404, [rl], true)).map((r) => r.id)).toEqual(['response.header.rate-limit-missing']);
  });

  it('come from the rules: a real audit of a 200 answered for a 401 case folds its three rate-limit findings', () => {
    const findings = audit({
      interaction: ref,
      request: { method: 'POST', path: '/v3/push', headers: {} },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"sendno":"0","msg_id":"1"}' },
    });
    expect(findings.map((x) => x.ruleId)).toEqual(['response.header.rate-limit-missing', 'response.header.rate-limit-missing', 'response.header.rate-limit-missing']);
    const lines = problemLines(kase(401, 200, findings));
    expect(lines[0]).toBe(`STATUS expected 401, got 200 (${STATUS_MISMATCH})`);
    expect(lines.slice(1).every((l) => l.startsWith('  ↳ follows: ERROR response.header.rate-limit-missing'))).toBe(true);
  });

  it('name only causes that exist: rule ids or the status mismatch', () => {
    const known = new Set<string>([STATUS_MISMATCH, ...rules.map((r) => r.id)]);
    for (const r of rules) for (const id of r.followsFrom ?? []) expect(known.has(id) ? id : `${r.id} follows unknown ${id}`).toBe(id);
  });
});
