import { audit, listRules, renderFinding, selectRules } from './audit';
import { rules } from './rules';
import type { Exchange } from './types';

const RATE = { 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '599', 'x-rate-limit-reset': '60' };
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

function exchange(
  method: string,
  path: string,
  status: number,
  body: unknown,
  headers: Record<string, string> = { ...JSON_TYPE, ...RATE },
): Exchange {
  return {
    interaction: { consumer: 'app', provider: 'jpush-v3', description: `${method} ${path} -> ${status}`, providerStates: ['a device exists'] },
    request: { method, path, headers: {} },
    response: { status, headers, body: typeof body === 'string' ? body : JSON.stringify(body) },
  };
}

const ids = (ex: Exchange): string[] => audit(ex).map((f) => `${f.severity}:${f.ruleId}`);
const pushOk = { sendno: '0', msg_id: '1828256757' };
const envelope = (code: number, message = 'x') => ({ error: { code, message } });

describe('an endpoint outside the catalogue', () => {
  it('is still judged by the API-wide rules: status in the twelve, error-on-200, the error envelope', () => {
    expect(ids(exchange('GET', '/v3/webhooks', 418, envelope(1000)))).toContain('error:response.status.unknown');
    expect(ids(exchange('GET', '/v3/webhooks', 200, envelope(1000)))).toContain('error:response.body.error-on-200');
    expect(ids(exchange('GET', '/v3/webhooks', 400, '<html>bad</html>', { 'content-type': 'text/html' })).some((id) => id.startsWith('error:response.envelope') || id.includes('content-type'))).toBe(true);
  });
});

describe('policy rules', () => {
  it('accept a conforming success and a conforming error', () => {
    expect(ids(exchange('POST', '/v3/push', 200, pushOk))).toEqual([]);
    expect(ids(exchange('POST', '/v3/push', 400, envelope(1002)))).toEqual([]);
    expect(ids(exchange('GET', '/v3/devices/abc', 401, envelope(7004), JSON_TYPE))).toEqual([]);
    expect(ids(exchange('POST', '/v4/tags/tag_demo', 400, { code: 21003, message: 'flat is fine on v4' }))).toEqual([]);
  });

  it('response.status.unknown: a status outside the twelve', () => {
    expect(ids(exchange('POST', '/v3/push', 418, envelope(1000)))).toContain('error:response.status.unknown');
  });

  it('response.status.not-listed: a catalogued status the endpoint does not answer', () => {
    expect(ids(exchange('GET', '/v3/tags', 404, envelope(9404)))).toEqual(['warning:response.status.not-listed']);
  });

  it('response.body.error-on-200: an error key or envelope on a 200', () => {
    expect(ids(exchange('POST', '/v3/push', 200, { ...pushOk, error: 'partial' }))).toEqual(['error:response.body.error-on-200']);
    expect(ids(exchange('GET', '/v4/tags', 200, { tags: [], code: 21003, message: 'no' }))).toEqual(['error:response.body.error-on-200']);
  });

  it('response.body.error-on-200: a flat code 0 is the success of an endpoint whose success schema declares it, any other code an error on a 200', () => {
    const quota = { code: 0, message: 'success', data: { xiaomi_quota: { system: { total: 10, used: 1 } } } };
    expect(ids(exchange('GET', '/v3/push/quota', 200, quota))).toEqual([]);
    expect(ids(exchange('GET', '/v3/push/quota', 200, { code: 1000, message: 'Internal error' }))).toContain('error:response.body.error-on-200');
    const template = { code: 0, message: 'success', data: { push_list: [{ code: 0, message_id: '1828256757' }] } };
    expect(ids(exchange('POST', '/v3/push/template', 200, template))).toEqual([]);
  });

  it('response.envelope.invalid: reads the envelope that applies from the catalogue, the flat one of template push', () => {
    expect(ids(exchange('POST', '/v3/push/template', 400, { code: 1003, message: 'Illegal parameter value' }))).toEqual([]);
    expect(ids(exchange('POST', '/v3/push/template', 400, envelope(1003)))).toContain('error:response.envelope.invalid');
    // The nested envelope stays the rule on every other v3 endpoint.
    expect(ids(exchange('POST', '/v3/push', 400, { code: 1003, message: 'Illegal parameter value' }))).toContain('error:response.envelope.invalid');
  });

  it('response.body.success-schema: a 200 body that breaks its schema, with its location', () => {
    const findings = audit(exchange('POST', '/v3/push', 200, { sendno: '0', msg_id: 12 }));
    expect(findings.map((f) => [f.ruleId, f.location])).toEqual([['response.body.success-schema', 'response.body.msg_id']]);
    expect(ids(exchange('DELETE', '/v3/schedules/x', 200, { deleted: true }))).toEqual(['warning:response.body.success-schema']);
    expect(ids(exchange('DELETE', '/v3/schedules/x', 200, ''))).toEqual([]);
  });

  it('response.content-type.not-json: an error declared as something else', () => {
    expect(ids(exchange('POST', '/v3/push', 400, envelope(1003), { 'content-type': 'text/plain', ...RATE }))).toEqual(['error:response.content-type.not-json']);
  });

  it('response.envelope.invalid: HTML, empty, flat-on-v3 and malformed envelopes', () => {
    const html = exchange('POST', '/v3/push', 502, '<html>502 Bad Gateway</html>', { 'content-type': 'text/html', ...RATE });
    expect(ids(html)).toEqual(['error:response.content-type.not-json', 'error:response.envelope.invalid']);
    expect(ids(exchange('POST', '/v3/push', 500, ''))).toEqual(['error:response.envelope.invalid']);
    expect(ids(exchange('POST', '/v3/push', 400, { code: 1003, message: 'flat' }))).toEqual(['error:response.envelope.invalid']);
    const wrongType = audit(exchange('POST', '/v3/push', 400, { error: { code: '1003', message: 'x' } }));
    expect(wrongType.map((f) => [f.ruleId, f.location])).toEqual([['response.envelope.invalid', 'response.body.error.code']]);
  });

  it('response.business-code.status-mismatch: a code of another status; a documented conflict only warns', () => {
    expect(ids(exchange('POST', '/v3/push', 401, envelope(1003), JSON_TYPE))).toEqual(['error:response.business-code.status-mismatch', 'error:response.business-code.auth-family']);
    expect(ids(exchange('POST', '/v4/push', 400, envelope(23008)))).toEqual(['warning:response.business-code.status-mismatch']);
    expect(ids(exchange('POST', '/v4/push', 429, envelope(23008)))).toEqual([]);
  });

  it('response.business-code.unknown: a code in no table', () => {
    expect(ids(exchange('POST', '/v3/push', 400, envelope(2008)))).toEqual(['warning:response.business-code.unknown']);
  });

  it('response.business-code.auth-family: a 401 with another family\'s auth code', () => {
    expect(ids(exchange('GET', '/v3/schedules/x', 401, envelope(1004), JSON_TYPE))).toEqual(['error:response.business-code.auth-family']);
  });

  it('response.header.rate-limit-*: missing (error on v3, warning on v4), not integers, Remaining above Limit', () => {
    expect(ids(exchange('POST', '/v3/push', 200, pushOk, JSON_TYPE))).toEqual([
      'error:response.header.rate-limit-missing', 'error:response.header.rate-limit-missing', 'error:response.header.rate-limit-missing',
    ]);
    expect(ids(exchange('GET', '/v4/tags', 200, { tags: [] }, JSON_TYPE))).toEqual([
      'warning:response.header.rate-limit-missing', 'warning:response.header.rate-limit-missing', 'warning:response.header.rate-limit-missing',
    ]);
    expect(ids(exchange('POST', '/v3/push', 200, pushOk, { ...JSON_TYPE, 'x-rate-limit-quota': '600', 'x-rate-limit-remaining': '1', 'x-rate-limit-reset': '2' }))).toEqual([]);
    expect(ids(exchange('POST', '/v3/push', 200, pushOk, { ...JSON_TYPE, ...RATE, 'x-rate-limit-remaining': '-1' }))).toEqual(['error:response.header.rate-limit-invalid']);
    expect(ids(exchange('POST', '/v3/push', 200, pushOk, { ...JSON_TYPE, ...RATE, 'x-rate-limit-remaining': '601' }))).toEqual(['error:response.header.rate-limit-inconsistent']);
  });

  it('does not ask for rate-limit headers where no authenticated request happened', () => {
    expect(ids(exchange('GET', '/v3/unknown', 404, envelope(9404), JSON_TYPE))).toEqual([]);
    expect(ids(exchange('POST', '/v2/push', 410, envelope(9410), JSON_TYPE))).toEqual([]);
  });

  it('response.header.allow-missing: a 405 without Allow, and an Allow that omits a method warns', () => {
    expect(ids(exchange('GET', '/v3/push', 405, envelope(1001)))).toEqual(['error:response.header.allow-missing']);
    expect(ids(exchange('POST', '/v3/schedules/x', 405, envelope(1001), { ...JSON_TYPE, ...RATE, allow: 'GET, PUT' }))).toEqual(['warning:response.header.allow-missing']);
    expect(ids(exchange('POST', '/v3/schedules/x', 405, envelope(1001), { ...JSON_TYPE, ...RATE, allow: 'GET, PUT, DELETE' }))).toEqual([]);
  });

  it('names the interaction in every finding and its rendering', () => {
    const [f] = audit(exchange('POST', '/v3/push', 418, envelope(1000)));
    expect(f.interaction.description).toBe('POST /v3/push -> 418');
    expect(renderFinding(f)).toBe("ERROR response.status.unknown in app -> jpush-v3: 'POST /v3/push -> 418' given 'a device exists': status 418 is not one of the policy's statuses (200, 400, 401, 403, 404, 405, 410, 429, 500, 502, 503, 504) (at response.status)");
  });

  it('turns a crashing rule into a finding instead of throwing', () => {
    const broken = { ...rules[0], check: () => { throw new Error('boom'); } };
    const spy = jest.spyOn(rules[0], 'check').mockImplementation(broken.check);
    try {
      expect(audit(exchange('POST', '/v3/push', 200, pushOk)).map((f) => [f.ruleId, f.message])).toEqual([['response.status.unknown', 'rule crashed: boom']]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('rule registry', () => {
  it('has unique dotted ids', () => {
    const all = listRules().map((r) => r.id);
    expect(new Set(all).size).toBe(all.length);
    for (const id of all) expect(id).toMatch(/^[a-z]+(\.[a-z0-9-]+)+$/);
  });

  it('selects by id and refuses unknown ids by name', () => {
    expect(selectRules({ only: ['response.status.unknown'] }).map((r) => r.id)).toEqual(['response.status.unknown']);
    expect(() => selectRules({ skip: ['response.nope'] })).toThrow(/unknown rule id response\.nope/);
    expect(selectRules({ declarativeOnly: true }).every((r) => r.declarative)).toBe(true);
  });
});

describe('response headers', () => {
  it('are found whatever the case of their names, as HTTP says header names are case-insensitive', () => {
    const mixed = { 'Content-Type': 'application/json; charset=utf-8', 'X-Rate-Limit-Limit': '600', 'X-RATE-LIMIT-REMAINING': '599', 'x-rate-limit-reset': '60' };
    expect(ids(exchange('POST', '/v3/push', 400, envelope(1002), mixed))).toEqual([]);
    expect(ids(exchange('POST', '/v3/push', 400, envelope(1002), { ...mixed, 'Content-Type': 'text/html' }))).toContain('error:response.content-type.not-json');
  });
});
