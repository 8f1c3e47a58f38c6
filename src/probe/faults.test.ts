import { getContracts } from '../contracts/load';
import type { ApiId } from '../contracts/types';
import type { Credentials } from '../credentials';
import { runPassed } from '../report/model';
import { DEMO_DEVICE, startReferenceService, type ReferenceService } from '../service';
import { faults, startFaultLayer, type FaultId } from '../../test-support/fault-layer';
import { runProbe } from './run';

const CREDENTIALS: Credentials = { appKey: 'probeFaultAppKey00000001', masterSecret: 'probeFaultSecret00000001' };

/**
 * Faults no probe case can trigger, each with the reason. Listed, not silently passed: a fault added to
 * the layer later fails this suite until it is either caught or listed here.
 */
const UNREACHABLE: Readonly<Partial<Record<FaultId, string>>> = {
  'html-502': 'it rewrites 502 answers; a 502 needs the dispatcher down, a condition a probe cannot create',
  'unknown-status': 'it rewrites 503 answers; a 503 needs a full dispatcher queue, a condition a probe cannot create',
};

/** Faults that only apply to one API's responses, by design of the fault. */
const ONLY_ON: Readonly<Partial<Record<FaultId, ApiId>>> = {
  'flat-envelope-v3': 'jpush-v3',
  // Every v4 family fails authentication with the same codes, so no v4 401 carries another family's code.
  'other-family-auth-code': 'jpush-v3',
};

/**
 * v4 documents no rate-limit headers (contracts: rateLimitHeaders.certainty 'undocumented'), so their absence
 * is a warning there: the rule still names the fault, but the run passes.
 */
function severityFor(fault: FaultId, api: ApiId): 'error' | 'warning' {
  return fault === 'drop-rate-limit-headers' && !getContracts().isFirm(getContracts().apis[api].rateLimitHeaders.certainty) ? 'warning' : 'error';
}

const faultIds = Object.keys(faults) as FaultId[];
const cases = (['jpush-v3', 'mtpush-v4'] as const).flatMap((api) =>
  faultIds.filter((f) => !UNREACHABLE[f] && (ONLY_ON[f] ?? api) === api).map((f) => [f, api, faults[f].caughtBy] as const),
);

describe('probe through the fault layer', () => {
  let svc: ReferenceService;
  beforeAll(async () => {
    svc = await startReferenceService({ credentials: CREDENTIALS });
  });
  afterAll(() => svc.close());
  afterEach(() => svc.reset());

  it.each(cases)('catches %s on %s, naming %s', async (fault, api, caughtBy) => {
    const layer = await startFaultLayer(svc.url, fault);
    try {
      // The demo device lets the success of push.validate (whose body carries msg_id) be probed too.
      const result = await runProbe({
        baseUrl: layer.url, api, credentials: CREDENTIALS, vip: true,
        ids: { registration_id: DEMO_DEVICE.registrationId, alias: DEMO_DEVICE.alias },
      });
      const severity = severityFor(fault, api);
      expect(layer.applied()).toBeGreaterThan(0);
      expect(runPassed(result.model)).toBe(severity === 'warning');
      const rules = new Set(result.model.cases.flatMap((c) => c.findings.filter((f) => f.severity === severity).map((f) => f.ruleId)));
      expect([...rules]).toContain(caughtBy);
    } finally {
      await layer.close();
    }
  });

  it('accounts for every fault of the layer: probed on some API, or listed with the reason it cannot be', () => {
    for (const f of faultIds) expect({ fault: f, accounted: cases.some(([id]) => id === f) || UNREACHABLE[f] !== undefined }).toEqual({ fault: f, accounted: true });
  });

  it.each(Object.entries(UNREACHABLE))('cannot trigger %s (%s): the probe never provokes the status it rewrites', async (fault) => {
    const layer = await startFaultLayer(svc.url, fault as FaultId);
    try {
      await runProbe({ baseUrl: layer.url, api: 'jpush-v3', credentials: CREDENTIALS });
      expect(layer.applied()).toBe(0);
    } finally {
      await layer.close();
    }
  });

  it('passes through the layer with no fault, so each failure above is the fault\'s doing', async () => {
    const layer = await startFaultLayer(svc.url);
    try {
      const result = await runProbe({ baseUrl: layer.url, api: 'jpush-v3', credentials: CREDENTIALS, vip: true, ids: { registration_id: DEMO_DEVICE.registrationId, alias: DEMO_DEVICE.alias } });
      expect(runPassed(result.model)).toBe(true);
    } finally {
      await layer.close();
    }
  });
});
