import type { Exchange } from '../audit/types';
import { getContracts } from '../contracts/load';
import { judgeExpectation } from './checks';
import { planProbe } from './plan';
import type { ProbeCase } from './types';

const contracts = getContracts();
const plan = planProbe(contracts, { api: 'jpush-v3', endpoints: ['schedules.get', 'report.messages'], ids: { msg_id: '1', schedule_id: 's' } });
const find = (pred: (c: ProbeCase) => boolean): ProbeCase => {
  const c = plan.cases.find(pred);
  if (!c) throw new Error('case not planned');
  return c;
};

function exchange(c: ProbeCase, status: number, body: unknown): Exchange {
  return {
    interaction: { description: c.description },
    request: { method: c.request.method, path: c.request.path, headers: {} },
    response: { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  };
}

describe('probe checks', () => {
  const wrongCreds = find((c) => c.endpoint?.id === 'schedules.get' && c.request.auth === 'wrong');
  const scheduleAuthCode = contracts.codeFor('jpush-v3', 'schedule', 'auth.failed')!.code;

  it('says nothing when the status and the code are those of the cause', () => {
    expect(judgeExpectation(wrongCreds, exchange(wrongCreds, 401, { error: { code: scheduleAuthCode, message: 'x' } }), contracts)).toEqual([]);
  });

  it('flags another status as probe.status.unexpected', () => {
    const findings = judgeExpectation(wrongCreds, exchange(wrongCreds, 403, { error: { code: scheduleAuthCode, message: 'x' } }), contracts);
    expect(findings).toEqual([expect.objectContaining({ ruleId: 'probe.status.unexpected', severity: 'error', expected: 401, actual: 403 })]);
  });

  it('flags the right status with another cause\'s code as probe.business-code.unexpected', () => {
    const push = contracts.codeFor('jpush-v3', 'push', 'auth.failed')!.code;
    const findings = judgeExpectation(wrongCreds, exchange(wrongCreds, 401, { error: { code: push, message: 'x' } }), contracts);
    expect(findings).toEqual([expect.objectContaining({ ruleId: 'probe.business-code.unexpected', severity: 'error', actual: push })]);
  });

  it('lowers a mismatch to a warning when the expected code is one the project defined, not the API', () => {
    const unknown = find((c) => c.kind === 'unknown-path');
    expect(unknown.expect.code?.certainty).toBe('project');
    const findings = judgeExpectation(unknown, exchange(unknown, 404, { error: { code: 1020, message: 'x' } }), contracts);
    expect(findings).toEqual([expect.objectContaining({ ruleId: 'probe.business-code.unexpected', severity: 'warning' })]);
  });

  it('accepts the not-VIP 403 on a VIP-only endpoint as an alternative, but not a 403 with another code', () => {
    const ok = find((c) => c.endpoint?.id === 'report.messages' && c.kind === 'success');
    const notVip = contracts.codeFor('jpush-v3', 'report', 'app.not-vip')!;
    expect(judgeExpectation(ok, exchange(ok, notVip.status, { error: { code: notVip.code, message: 'x' } }), contracts)).toEqual([]);
    const blacklisted = contracts.codeFor('jpush-v3', 'report', 'app.blacklisted')!;
    expect(blacklisted.code).not.toBe(notVip.code);
    expect(judgeExpectation(ok, exchange(ok, blacklisted.status, { error: { code: blacklisted.code, message: 'x' } }), contracts).map((f) => f.ruleId)).toEqual(['probe.status.unexpected']);
  });
});
