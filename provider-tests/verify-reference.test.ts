/**
 * The generated pacts (consumer suites) verified against the reference service: every interaction
 * replayed, every response conforming, no audit finding.
 */
process.env.PACT_DO_NOT_TRACK = 'true';
jest.setTimeout(120_000);

import { DEMO_CREDENTIALS, DEMO_GROUP_CREDENTIALS, PROVIDER_STATES_PATH, startReferenceService, type ReferenceService } from '../src/service';
import { caseVerdict } from '../src/report/model';
import { describeInteraction } from '../src/audit';
import { problemLines } from '../src/report/text';
import { verifyProvider } from '../src/verifier/verify';
import { FULL_RUN_DEADLINE_MS, generatedInteractions, PACT_DIR } from './generated-pacts';

describe('generated pacts against the reference service', () => {
  let service: ReferenceService;
  beforeAll(async () => {
    // A short dispatcher deadline keeps the 504 interactions quick (FULL_RUN_DEADLINE_MS says how short it can be).
    service = await startReferenceService({ enableProviderStates: true, dispatcher: { deadlineMs: FULL_RUN_DEADLINE_MS } });
  });
  afterAll(async () => {
    await service.close();
  });

  it('verifies every interaction of every generated pact, conforming, with no finding', async () => {
    const expected = generatedInteractions();
    const result = await verifyProvider({
      providerBaseUrl: service.url,
      providerStatesSetupUrl: service.url + PROVIDER_STATES_PATH,
      sources: [{ kind: 'dir', dir: PACT_DIR }],
      credentials: DEMO_CREDENTIALS,
      groupCredentials: DEMO_GROUP_CREDENTIALS,
      timeoutMs: 5000,
    });
    const failing = result.model.cases.filter((c) => caseVerdict(c) === 'failed').map((c) => `${describeInteraction(c.ref)}\n  ${problemLines(c).join('\n  ')}`);
    expect(failing).toEqual([]);
    expect(result.model.cases.flatMap((c) => c.findings)).toEqual([]);
    expect(result.model.cases).toHaveLength(expected.length);
    expect(result.model.cases.every((c) => c.pact.outcome === 'passed' && c.status.actual === c.status.expected)).toBe(true);
    expect(result.exitCode).toBe(0);
  });
});
