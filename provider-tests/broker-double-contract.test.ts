process.env.PACT_DO_NOT_TRACK = 'true';

/**
 * The broker double is worth what it answers. Here pact's Rust verifier holds it to two contracts it
 * did not write: the Pact Broker client's own pact with the Pact Broker (vendored from
 * pact-foundation/pact_broker-client, verified by the real broker in its CI) and the verify-flow pact
 * derived from the broker's source (test-support/broker-pacts/README.md). Provider states go to the
 * double's seeding route, which sets them up as the broker's shared_provider_states.rb does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runNativeVerifier } from '../src/verifier/native';
import { parseVerifierResults, type VerifierResults } from '../src/verifier/results';
import { PROVIDER_STATES_PATH, startBrokerDouble, type BrokerDouble } from '../test-support/broker-double';
import { startHalRelationProxy } from '../test-support/hal-relation-proxy';
import { BROKER_CLIENT_PACT, documentedEndpoints, namesInteraction, OUT_OF_SCOPE, outOfScope, readPact, VERIFY_FLOW_PACT } from '../test-support/broker-pacts/scope';
import { tempDir } from '../test-support/temp-dir';

jest.setTimeout(60_000);

let work: string;
beforeAll(() => {
  work = tempDir('pc-broker-contract-');
});

/** Verifies a pact file against a fresh double (behind the broker CI's query-pairing proxy) and returns the verifier's results. */
async function verifyDouble(pactFile: string, baseUrl?: string): Promise<{ results: VerifierResults; output: string[] }> {
  const double: BrokerDouble = await startBrokerDouble({ baseUrl });
  const proxy = await startHalRelationProxy(double.url);
  const output: string[] = [];
  try {
    const run = await runNativeVerifier(
      {
        provider: 'Pact Broker',
        pactUrls: [pactFile],
        providerBaseUrl: proxy.url,
        providerStatesSetupUrl: `${double.url}${PROVIDER_STATES_PATH}`,
        providerStatesSetupTeardown: true,
        logLevel: 'error',
      },
      (line) => output.push(line),
      'empty',
    );
    return { results: parseVerifierResults(run.json ?? run.error), output };
  } finally {
    await proxy.close();
    await double.close();
  }
}

const failures = (r: VerifierResults) => r.errors.map((e) => `${e.interaction}: ${e.messages.join('; ')}`);

describe('the broker double against the Pact Broker client\'s own pact with the Pact Broker', () => {
  const pact = readPact(BROKER_CLIENT_PACT);
  const inScope = pact.interactions.filter((i) => outOfScope(i) === undefined);

  it('passes every interaction on a route push-contracts uses, each one verified', async () => {
    const file = path.join(work, 'in-scope.json');
    fs.writeFileSync(file, JSON.stringify({ ...pact, interactions: inScope }));
    const { results } = await verifyDouble(file, 'http://example.org');
    expect(failures(results)).toEqual([]);
    // Nothing passes that was not exercised: one OK result per interaction given.
    expect(results.interactionResults).toHaveLength(inScope.length);
    expect(results.interactionResults.every((r) => r.ok)).toBe(true);
    expect(inScope.length).toBe(34);
  });

  it('leaves out only interactions on routes no command sends, each with its reason in docs/broker.md', () => {
    const out = pact.interactions.filter((i) => outOfScope(i) !== undefined);
    expect(out.length + inScope.length).toBe(pact.interactions.length);
    const doc = fs.readFileSync(path.join(__dirname, '..', 'docs', 'broker.md'), 'utf8');
    for (const o of OUT_OF_SCOPE) {
      expect(pact.interactions.some((i) => outOfScope(i) === o)).toBe(true);
      expect(doc).toContain(`| ${o.route} | ${o.reason} |`);
    }
  });
});

describe('docs/broker.md\'s table of the broker endpoints push-contracts relies on', () => {
  const rows = documentedEndpoints(fs.readFileSync(path.join(__dirname, '..', 'docs', 'broker.md'), 'utf8'));
  const fixtures = [...readPact(BROKER_CLIENT_PACT).interactions, ...readPact(VERIFY_FLOW_PACT).interactions];

  it('names, for each endpoint, fixture interactions that exist and are on that endpoint', () => {
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      // A row without a fixture says so and why (PactFlow's route: the OSS broker has none).
      if (row.noFixture) continue;
      expect({ row: row.path, proofs: row.proofs.length > 0 }).toEqual({ row: row.path, proofs: true });
      for (const quoted of row.proofs) {
        const named = fixtures.filter((i) => namesInteraction(quoted, i.description) && row.matches(i.request.method, i.request.path));
        // A quoted description that names no fixture interaction on the row's route would be a proof that does not exist.
        expect({ row: row.path, quoted, found: named.length > 0 }).toEqual({ row: row.path, quoted, found: true });
      }
    }
  });

  it('has a row for every route of the verify-flow fixture and every in-scope route of the client pact', () => {
    const inScope = fixtures.filter((i) => outOfScope(i) === undefined);
    const missing = inScope.filter((i) => !rows.some((r) => r.matches(i.request.method, i.request.path)));
    expect(missing.map((i) => `${i.request.method} ${i.request.path}: ${i.description}`)).toEqual([]);
  });
});

describe('the broker double against the verify-flow pact derived from the broker\'s source', () => {
  it('answers pacts-for-verification, the pact by its metadata link, the branch PUT and the results POST as the broker does', async () => {
    const pact = readPact(VERIFY_FLOW_PACT);
    const { results } = await verifyDouble(VERIFY_FLOW_PACT);
    expect(failures(results)).toEqual([]);
    expect(results.interactionResults).toHaveLength(pact.interactions.length);
    expect(results.interactionResults.every((r) => r.ok)).toBe(true);
  });
});

describe('the broker double\'s seeding route and pending status', () => {
  let double: BrokerDouble;
  beforeEach(async () => {
    double = await startBrokerDouble();
  });
  afterEach(() => double.close());

  const stateCall = (state: string, action = 'setup') =>
    fetch(`${double.url}${PROVIDER_STATES_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ state, params: {}, action }) });
  const forVerification = (body: Record<string, unknown>) =>
    fetch(`${double.url}/pacts/provider/Bar/for-verification`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
      async (r) => (await r.json()) as { _embedded: { pacts: Array<{ verificationProperties: Record<string, unknown> }> } },
    );

  it('refuses a provider state nobody defined, so its interaction fails instead of running on whatever the broker held', async () => {
    const res = await stateCall('a state no one wrote');
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("no provider state 'a state no one wrote'");
  });

  it('empties the broker on teardown, as the broker\'s CI cleans its database between interactions', async () => {
    expect((await stateCall('Bar has a pact from Foo version 1.0.0 on the main branch')).status).toBe(200);
    expect(double.state.publications).toHaveLength(1);
    expect((await stateCall('Bar has a pact from Foo version 1.0.0 on the main branch', 'teardown')).status).toBe(200);
    expect(double.state.publications).toHaveLength(0);
    expect(double.state.pacticipants.size).toBe(0);
  });

  it('sends pending only when the request asks for it (includePendingStatus)', async () => {
    await stateCall('Bar has a pact from Foo version 1.0.0 on the main branch');
    const plain = await forVerification({ consumerVersionSelectors: [{ mainBranch: true }] });
    expect(plain._embedded.pacts).toHaveLength(1);
    expect(plain._embedded.pacts[0].verificationProperties).not.toHaveProperty('pending');
    const asked = await forVerification({ consumerVersionSelectors: [{ mainBranch: true }], includePendingStatus: true });
    expect(asked._embedded.pacts[0].verificationProperties.pending).toBe(true);
  });

  it('offers as WIP only the latest pact of each consumer branch, never one the selectors chose', async () => {
    await stateCall('Bar has a pact from Foo version 1.0.0 on the main branch and a later one from Foo version 1.1.0 on branch feat/x');
    double.seed.version('Foo', '1.2.0', { branch: 'feat/x' });
    double.seed.pact('Foo', '1.2.0', 'Bar');
    const got = await forVerification({ consumerVersionSelectors: [{ mainBranch: true }], providerVersionBranch: 'main', includePendingStatus: true, includeWipPactsSince: '2000-01-01' });
    const wip = got._embedded.pacts.filter((p) => p.verificationProperties.wip === true) as unknown as Array<{ _links: { self: { name: string } } }>;
    // 1.1.0 is no longer the head of feat/x, so it is not work in progress any more.
    expect(wip.map((p) => p._links.self.name)).toEqual(['Pact between Foo (1.2.0) and Bar']);
    expect(got._embedded.pacts).toHaveLength(2);
  });
});
