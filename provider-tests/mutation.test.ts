/**
 * Mutation self-test of the verifier: a fault layer in front of the reference service breaks the
 * policy one way at a time, and verification must fail naming the rule that caught it. Each fault
 * verifies only the generated interaction it can affect, so the suite stays fast.
 */
process.env.PACT_DO_NOT_TRACK = 'true';

jest.setTimeout(60_000);

import { faults, startFaultLayer, type FaultId } from '../test-support/fault-layer';
import { DEMO_CREDENTIALS, DEMO_GROUP_CREDENTIALS, PROVIDER_STATES_PATH, startReferenceService, type ReferenceService } from '../src/service';
import { verifyProvider } from '../src/verifier/verify';
import { exactly, FULL_RUN_DEADLINE_MS, generatedInteractions, pick, PACT_DIR, type Pick } from './generated-pacts';
import { shareVerifierProcessesInThisFile } from '../test-support/shared-verifiers';

// The file's verifications reuse idle verifier processes instead of starting their own each.
shareVerifierProcessesInThisFile();

/** Which generated interaction each fault can affect. */
const target: Record<FaultId, Pick> = {
  'error-key-on-200': { api: 'jpush-v3', endpoint: 'push', status: 200 },
  'drop-rate-limit-headers': { api: 'jpush-v3', endpoint: 'push', status: 200 },
  'negative-remaining': { api: 'jpush-v3', endpoint: 'push', status: 200 },
  'remaining-above-limit': { api: 'jpush-v3', endpoint: 'push', status: 200 },
  'drop-allow': { api: 'jpush-v3', status: 405 },
  'text-content-type': { api: 'jpush-v3', status: 400 },
  'html-502': { api: 'jpush-v3', status: 502 },
  'unknown-status': { api: 'jpush-v3', status: 503 },
  'wrong-business-code': { api: 'jpush-v3', endpoint: 'push', status: 401 },
  'other-family-auth-code': { api: 'jpush-v3', family: 'device', status: 401 },
  'flat-envelope-v3': { api: 'jpush-v3', status: 400 },
  'break-success-body': { api: 'jpush-v3', endpoint: 'push', status: 200 },
  'error-as-200': { api: 'jpush-v3', status: 400 },
};

describe('verifier mutation self-test', () => {
  let service: ReferenceService;
  const interactions = generatedInteractions();

  beforeAll(async () => {
    service = await startReferenceService({ enableProviderStates: true, dispatcher: { deadlineMs: FULL_RUN_DEADLINE_MS } });
  });
  afterAll(async () => {
    await service.close();
  });

  async function verifyThrough(fault: FaultId | undefined, description?: string): Promise<{ result: Awaited<ReturnType<typeof verifyProvider>>; applied: number }> {
    const layer = await startFaultLayer(service.url, fault);
    try {
      const result = await verifyProvider({
        providerBaseUrl: layer.url,
        providerStatesSetupUrl: service.url + PROVIDER_STATES_PATH,
        sources: [{ kind: 'dir', dir: PACT_DIR }],
        filter: description ? { description } : {},
        credentials: DEMO_CREDENTIALS,
        groupCredentials: DEMO_GROUP_CREDENTIALS,
        timeoutMs: 5000,
      });
      return { result, applied: layer.applied() };
    } finally {
      await layer.close();
    }
  }

  it('covers at least ten different violations, including the three the issue names', () => {
    const ids = Object.keys(faults) as FaultId[];
    expect(new Set(ids.map((id) => `${id}:${faults[id].caughtBy}`)).size).toBeGreaterThanOrEqual(10);
    // A 200 with an error key, a 401 carrying a 400's code, missing rate-limit headers.
    expect(ids).toEqual(expect.arrayContaining(['error-key-on-200', 'wrong-business-code', 'drop-rate-limit-headers']));
    expect(ids.filter((id) => faults[id].invisibleToPact).length).toBeGreaterThanOrEqual(3);
  });

  it.each(Object.keys(faults) as FaultId[])('fails verification naming the rule when the provider has fault %s', async (fault) => {
    const interaction = pick(interactions, target[fault]);
    const { result, applied } = await verifyThrough(fault, exactly(interaction.description));
    expect(applied).toBeGreaterThan(0);
    expect(result.exitCode).toBe(1);
    expect(result.model.cases).toHaveLength(1);
    const c = result.model.cases[0];
    const errorRules = c.findings.filter((f) => f.severity === 'error').map((f) => f.ruleId);
    expect(errorRules).toContain(faults[fault].caughtBy);
    expect(c.findings.find((f) => f.ruleId === faults[fault].caughtBy)?.interaction.description).toBe(interaction.description);
    if (faults[fault].invisibleToPact) {
      // The reason the audit exists: pact matching alone passes this response.
      expect(c.pact).toEqual({ outcome: 'passed', mismatches: [] });
    }
  });

  it('passes the unbroken service through the same layer with no finding at all', async () => {
    const { result, applied } = await verifyThrough(undefined);
    expect(applied).toBe(0);
    const findings = result.model.cases.flatMap((c) => c.findings.map((f) => `${f.ruleId} in ${f.interaction.description}: ${f.message}`));
    expect(findings).toEqual([]);
    expect(result.model.cases.length).toBe(interactions.length);
  });
});
