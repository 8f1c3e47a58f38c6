/**
 * Bi-directional contract testing, as PactFlow runs it: the pacts the consumer suites generated
 * (pacts/) compared with the OpenAPI documents `push-contracts openapi` exports, by PactFlow's own
 * comparison engine (@pactflow/openapi-pact-comparator). A consumer pact must be a subset of the
 * provider's document: every request an operation, every response a documented status whose schema
 * accepts the body. The generated pacts exercise every catalogued status, so this finds any gap.
 */
import { readFileSync } from 'node:fs';
// The package's types sit behind its exports map, which this project's moduleResolution (node10) does not read.
import type * as ComparatorModule from '@pactflow/openapi-pact-comparator/dist/src/index';
import { getContracts } from '../src/contracts';
import type { ApiId } from '../src/contracts/types';
import { buildOpenApi } from '../src/openapi/export';
import { pactFilesIn } from '../src/verifier/pacts';
import { generatedInteractions, PACT_DIR } from './generated-pacts';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Comparator } = require('@pactflow/openapi-pact-comparator') as typeof ComparatorModule;

jest.setTimeout(60_000);

type Result = { code: string; type: string; message: string; mockDetails?: { interactionDescription?: string } };
type RawPact = { interactions: Array<{ request: { method: string; path: string }; response: { status: number } }> } & Record<string, unknown>;

const contracts = getContracts();
const apis = Object.keys(contracts.apis) as ApiId[];

/** Each generated pact, cut into one pact per API its interactions address. */
function pactsOf(api: ApiId): RawPact[] {
  generatedInteractions(); // fails with a clear line when pacts/ is empty: nothing compared is no pass
  return pactFilesIn(PACT_DIR)
    .map((f) => JSON.parse(readFileSync(f, 'utf8')) as RawPact)
    .map((p) => ({ ...p, interactions: p.interactions.filter((i) => contracts.apiOfPath(i.request.path) === api) }))
    .filter((p) => p.interactions.length > 0);
}

async function compare(api: ApiId, pacts: readonly RawPact[]): Promise<Result[]> {
  const comparator = new Comparator(buildOpenApi(api, contracts) as never);
  const results: Result[] = [];
  for (const pact of pacts) for await (const r of comparator.compare(pact as never)) results.push(r as Result);
  return results;
}

const render = (r: Result): string => `${r.type} ${r.code} in '${r.mockDetails?.interactionDescription}': ${r.message}`;

describe('bi-directional: generated pacts against the exported OpenAPI documents', () => {
  it.each(apis)('%s: every interaction of the generated pacts is compatible with the document (0 errors)', async (api) => {
    const pacts = pactsOf(api);
    const interactions = pacts.reduce((n, p) => n + p.interactions.length, 0);
    expect(interactions).toBeGreaterThan(0);
    // Every status the catalogue lists for the API is among the compared responses.
    const statuses = new Set(pacts.flatMap((p) => p.interactions.map((i) => i.response.status)));
    for (const e of contracts.apis[api].endpoints) for (const s of e.statuses) expect(statuses).toContain(s);
    const errors = (await compare(api, pacts)).filter((r) => r.type === 'error');
    expect(errors.map(render)).toEqual([]);
  });

  it('the comparison sees a status the document does not list, so its silence above means something', async () => {
    const [pact] = pactsOf('jpush-v3');
    const one = { ...pact, interactions: [{ ...pact.interactions[0], response: { ...pact.interactions[0].response, status: 418 } }] };
    const codes = (await compare('jpush-v3', [one])).map((r) => r.code);
    expect(codes).toContain('response.status.unknown');
  });
});
