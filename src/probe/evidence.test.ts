/**
 * The probe's failing cases carry their evidence, over real HTTP: the reference service behind the
 * fault layer answers errors with 200; the case shows the request and the response it really got,
 * a curl line with the credentials as shell variables, and the status mismatch as the root cause.
 */
import { STATUS_MISMATCH } from '../audit/types';
import { secretForms, type Credentials } from '../credentials';
import { rootCauses } from '../report/causes';
import { caseVerdict } from '../report/model';
import { startReferenceService, type ReferenceService } from '../service';
import { startFaultLayer } from '../../test-support/fault-layer';
import { runProbe } from './run';

const CREDENTIALS: Credentials = { appKey: 'probeEvidAppKeyM2n8Rt5Q', masterSecret: 'probeEvidSecretW7c4Jk9Zp' };

describe('probe evidence', () => {
  let svc: ReferenceService;
  beforeAll(async () => {
    svc = await startReferenceService({ credentials: CREDENTIALS });
  });
  afterAll(() => svc.close());

  it('records what a failing case sent and got, masked, with a curl line and the status mismatch first', async () => {
    const layer = await startFaultLayer(svc.url, 'error-as-200');
    try {
      const { model } = await runProbe({ baseUrl: layer.url, api: 'jpush-v3', credentials: CREDENTIALS });
      const failing = model.cases.filter((c) => caseVerdict(c) === 'failed');
      expect(failing.length).toBeGreaterThan(0);
      for (const c of failing) expect(c.evidence).toBeDefined();
      const bad400 = failing.find((c) => c.status.expected === 400 && c.request.method === 'POST' && c.request.path === '/v3/push');
      expect(bad400?.status.actual).toBe(200);
      const e = bad400?.evidence;
      expect(e?.request.url).toBe(`${layer.url}/v3/push`);
      expect(e?.response?.status).toBe(200);
      expect(e?.response?.body.json).toBe(true);
      expect(e?.response?.body.text).toContain('"error": {');
      expect(e?.curl).toMatch(new RegExp(`^curl -sS -i -X POST '${layer.url}/v3/push' -u "\\$PUSH_APP_KEY:\\$PUSH_MASTER_SECRET"`));
      expect(rootCauses(bad400!)[0]).toMatchObject({ id: STATUS_MISMATCH });
      expect(rootCauses(bad400!)[0].followOns.map((f) => f.ruleId)).toContain('probe.status.unexpected');
      const text = JSON.stringify(model);
      for (const s of secretForms(CREDENTIALS)) expect(text).not.toContain(s);
      // Passing cases carry none: evidence is for what needs acting on.
      expect(model.cases.filter((c) => caseVerdict(c) === 'passed' && c.findings.length === 0).every((c) => c.evidence === undefined)).toBe(true);
    } finally {
      await layer.close();
    }
  });
});
