import { execFileSync } from 'node:child_process';
import * as fc from 'fast-check';
import { basicAuth, MIN_FRAGMENT, secretForms, type Credentials } from '../credentials';
import { buildEvidence, curlCommand, evidenceBody, EVIDENCE_BODY_LIMIT, shellQuote } from './evidence';

const REAL: Credentials = { appKey: 'unitAppKeyR4nd0mQ9zXy7Vw', masterSecret: 'unitMasterSecretK3yP2sL1' };
const secrets = secretForms(REAL);
const mask = (s: string): string => {
  let out = s;
  for (const x of secrets) out = out.split(x).join('***');
  return out;
};

describe('evidence bodies', () => {
  it('are pretty-printed when JSON and shown whole under the bound', () => {
    expect(evidenceBody('{"a":[1,2]}', mask)).toEqual({ text: '{\n  "a": [\n    1,\n    2\n  ]\n}', bytes: 29, truncated: false, json: true });
    expect(evidenceBody('<html>', mask)).toEqual({ text: '<html>', bytes: 6, truncated: false, json: false });
  });

  it('are cut at the byte bound on a character boundary, saying so', () => {
    const b = evidenceBody('é'.repeat(EVIDENCE_BODY_LIMIT), mask);
    expect(b.truncated).toBe(true);
    expect(b.bytes).toBe(2 * EVIDENCE_BODY_LIMIT);
    expect(b.text).toBe('é'.repeat(EVIDENCE_BODY_LIMIT / 2));
  });

  it('are masked before the cut: a credential straddling the bound leaves no fragment (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.constantFrom(...secrets), (shift, form) => {
        // The credential starts just before the bound, so an unmasked cut would keep a fragment of it.
        const body = 'x'.repeat(EVIDENCE_BODY_LIMIT - shift) + form + 'y'.repeat(50);
        const shown = buildEvidence({ baseUrl: 'http://127.0.0.1:1', method: 'GET', path: '/p', requestHeaders: {}, auth: { kind: 'environment' }, response: { status: 500, headers: {}, body } }, secrets).response?.body.text ?? '';
        for (const s of secrets) for (let i = 0; i + MIN_FRAGMENT <= s.length; i += 1) if (shown.includes(s.slice(i, i + MIN_FRAGMENT))) return false;
        return true;
      }),
    );
  });

  it('mask a secret that JSON hides in \\u escapes until pretty-printing decodes it', () => {
    const escaped = [...REAL.masterSecret].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    expect(evidenceBody(`{"echo":"${escaped}"}`, mask).text).toBe('{\n  "echo": "***"\n}');
  });
});

describe('curl lines', () => {
  it('quote any string so the shell gives it back unchanged (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !s.includes('\u0000')), (s) => execFileSync('/bin/sh', ['-c', `printf %s ${shellQuote(s)}`]).toString('utf8') === s),
      { numRuns: 40 },
    );
  });

  it('leave the run\'s credentials as shell variables and never carry their values', () => {
    const e = buildEvidence(
      { baseUrl: 'http://user:pw@127.0.0.1:9/gw/', method: 'POST', path: '/v3/push', query: 'a=1', requestHeaders: { 'content-type': 'application/json', authorization: basicAuth(REAL), host: 'x' }, requestBody: `{"s":"${REAL.masterSecret}"}`, auth: { kind: 'environment' }, response: null },
      secrets,
    );
    expect(e.curl).toBe(`curl -sS -i -X POST 'http://127.0.0.1:9/gw/v3/push?a=1' -u "$PUSH_APP_KEY:$PUSH_MASTER_SECRET" -H 'content-type: application/json' --data-binary '{"s":"***"}'`);
    expect(e.request.headers).toEqual({ authorization: 'Basic *** ($PUSH_APP_KEY:$PUSH_MASTER_SECRET)', 'content-type': 'application/json', host: 'x' });
    expect(e.response).toBeNull();
    expect(curlCommand('GET', 'http://h/p', {}, { kind: 'none' }, undefined)).toBe(`curl -sS -i -X GET 'http://h/p'`);
  });
});
