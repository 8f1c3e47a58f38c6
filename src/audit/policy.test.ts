import { getContracts } from '../contracts/load';
import { audit } from './audit';
import type { Exchange } from './types';

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const RATE = { ...JSON_TYPE, 'x-rate-limit-limit': '500', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '1' };

function exchange(method: string, path: string, status: number, body: unknown, headers: Record<string, string> = JSON_TYPE): Exchange {
  return {
    interaction: { consumer: 'app', provider: 'api', description: `${method} ${path} -> ${status}` },
    request: { method, path, headers: {} },
    response: { status, headers, body: JSON.stringify(body) },
  };
}

const severities = (ex: Exchange, options: Parameters<typeof audit>[1] = {}): string[] =>
  [...new Set(audit(ex, options).map((f) => `${f.severity}:${f.ruleId}`))];

// A blacklisted app's 403 without rate-limit headers: the docs say "all responses" carry them, but
// nothing says whether a refused app is counted against a window (contracts: byCause app.blacklisted).
const blacklisted403 = exchange('POST', '/v3/push', 403, { error: { code: 2003, message: 'The appKey is in black list.' } });
const plain200 = exchange('GET', '/v3/tags', 200, { tags: [] });

describe('rule severity follows the certainty of the facts in contracts/', () => {
  it('a missing rate-limit header fails where the docs require it and only warns on a blacklisted app\'s 403', () => {
    expect(severities(plain200)).toEqual(['error:response.header.rate-limit-missing']);
    expect(severities(blacklisted403)).toEqual(['warning:response.header.rate-limit-missing']);
    const finding = audit(blacklisted403)[0];
    expect(finding.certainty).toBe('undocumented');
    expect(finding.message).toMatch(/lacks x-rate-limit-limit \(.*blacklisted appKey/);
  });

  it('the certainty comes from contracts data: the same 403 fails once its level is firm', () => {
    const contracts = getContracts();
    const firm = Object.create(contracts, { isFirm: { value: () => true } });
    expect(severities(blacklisted403, { contracts: firm })).toEqual(['error:response.header.rate-limit-missing']);
    expect(contracts.isFirm(contracts.apis['jpush-v3'].rateLimitHeaders.byCause!['app.blacklisted'].certainty)).toBe(false);
    expect(contracts.isFirm(contracts.apis['jpush-v3'].rateLimitHeaders.certainty)).toBe(true);
  });

  it('a code answered with the status its source documents against the policy warns; a third status fails', () => {
    // 23008 (rate limited): the policy says 429, the source says 400.
    expect(severities(exchange('POST', '/v4/push', 400, { code: 23008, message: 'limited' }, RATE))).toEqual(['warning:response.business-code.status-mismatch']);
    expect(severities(exchange('POST', '/v4/push', 503, { code: 23008, message: 'limited' }, RATE))).toEqual(['error:response.business-code.status-mismatch']);
  });

  it('uncertainFacts: "error" makes results on uncertain facts keep their rule\'s severity', () => {
    expect(severities(blacklisted403, { uncertainFacts: 'error' })).toEqual(['error:response.header.rate-limit-missing']);
    expect(severities(exchange('POST', '/v4/push', 400, { code: 23008, message: 'limited' }, RATE), { uncertainFacts: 'error' }))
      .toEqual(['error:response.business-code.status-mismatch']);
  });

  it('a severity set for a rule wins over the rule, the result and the certainty', () => {
    expect(severities(plain200, { severity: { 'response.header.rate-limit-missing': 'warning' } })).toEqual(['warning:response.header.rate-limit-missing']);
    expect(severities(blacklisted403, { severity: { 'response.header.rate-limit-missing': 'error' } })).toEqual(['error:response.header.rate-limit-missing']);
    // A rule that warns by default fails when the team says so.
    expect(severities(exchange('GET', '/v3/tags', 404, { error: { code: 1011, message: 'x' } }, RATE), { severity: { 'response.status.not-listed': 'error' } }))
      .toContain('error:response.status.not-listed');
  });
});
