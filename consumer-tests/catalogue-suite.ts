/**
 * The consumer suite of one API: every catalogued (endpoint, status), retired endpoints included, as a
 * pact interaction built by the consumer builders, played by the reference client, whose behaviour is
 * asserted against the retry policy. Pacts go to pacts/<consumer>-<api>.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { itemFailuresOf, PushApiError, PushClient } from '../src/client';
import {
  catalogueCells, credentialsFor, elicitableCauses, groupCredentialsFor, planCell, planInteraction, planItemResults, pushPact, type CatalogueCell, type InteractionPlan, type PushPact,
} from '../src/consumer';
import { getContracts, type ApiId } from '../src/contracts';
import { basicAuth, credentialsFromEnv, groupCredentialsFromEnv, type Credentials, type GroupCredentials } from '../src/credentials';
import { play } from './play';

export const CONSUMER = 'push-contracts-reference-client';
export const PACT_DIR = path.resolve(__dirname, '..', 'pacts');
/** Retries the suite allows; small so every 5xx/429 path is exercised quickly. */
const MAX_RETRIES = 2;
/** Above every family's window, so each 429 is waited out (recorded, not slept). */
const MAX_RATE_WAIT_MS = 3_600_000;

// Known values, so the scan at the end can look for them: a consumer test that plays "valid credential"
// interactions sends the real secret to the mock server, and the pact must still not contain it.
export const SCAN_ENV = {
  PUSH_APP_KEY: 'scanAppKey00000000000001', PUSH_MASTER_SECRET: 'scanMasterSecret00000001',
  PUSH_GROUP_KEY: 'scanGroupKey000000000001', PUSH_GROUP_MASTER_SECRET: 'scanGroupSecret000000001',
};

export interface Recorded {
  readonly client: PushClient<ApiId>;
  readonly sleeps: number[];
  readonly attempts: () => number;
}

export function referenceClient(api: ApiId, url: string, credentials: Credentials | undefined, groupCredentials?: GroupCredentials): Recorded {
  const sleeps: number[] = [];
  let attempts = 0;
  const client = new PushClient({
    api,
    baseUrl: url,
    credentials,
    groupCredentials,
    timeoutMs: 2_000,
    retry: { maxRetries: MAX_RETRIES, baseDelayMs: 100, maxDelayMs: 150, maxRateLimitWaitMs: MAX_RATE_WAIT_MS },
    // The policy's waits are recorded, not slept: the suite proves which waits happen, in milliseconds of wall time.
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    onAttempt: () => {
      attempts++;
    },
  });
  return { client, sleeps, attempts: () => attempts };
}

function credentialsOf(plan: InteractionPlan): Credentials | undefined {
  if (plan.example.credentials === 'valid') return credentialsFromEnv(process.env) ?? credentialsFor('valid');
  return credentialsFor(plan.example.credentials);
}

function groupCredentialsOf(plan: InteractionPlan): GroupCredentials | undefined {
  if (plan.example.credentials === 'valid') return groupCredentialsFromEnv(process.env) ?? groupCredentialsFor('valid');
  return groupCredentialsFor(plan.example.credentials);
}

function declaredMethod(plan: InteractionPlan): string | undefined {
  return plan.retired ? undefined : getContracts().endpoint(plan.api, plan.endpoint).method;
}

/** Asserts what the reference client did with the planned response. */
async function expectPolicy(plan: InteractionPlan, run: () => Promise<unknown>, rec: Recorded): Promise<void> {
  const contracts = getContracts();
  const entry = contracts.status(plan.status);
  if (!entry) throw new Error(`status ${plan.status} is not catalogued`);
  if (entry.class === 'success') {
    const result = await run();
    const endpoint = contracts.endpoint(plan.api, plan.endpoint);
    if (endpoint.success === 'empty') {
      expect(result).toBeUndefined();
    } else {
      expect(contracts.validate(endpoint.success, result).errors).toEqual([]);
    }
    expect(rec.attempts()).toBe(1);
    return;
  }
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PushApiError);
  const e = error as PushApiError;
  expect(e).toMatchObject({ kind: 'http', status: plan.status, code: plan.businessCode?.code });
  const endpoint = plan.retired ? undefined : contracts.endpoint(plan.api, plan.endpoint);
  const sendsWithoutCid = endpoint?.sends === true && plan.example.method === endpoint.method && !(plan.example.body as { cid?: string } | undefined)?.cid;
  switch (entry.retry) {
    case 'not-applicable':
    case 'never':
      expect(e.retryAdvised).toBe(false);
      expect(rec.attempts()).toBe(1);
      expect(rec.sleeps).toEqual([]);
      break;
    case 'after-rate-limit-reset': {
      const reset = contracts.family(plan.api, endpoint?.family ?? 'push').rateLimit.windowSeconds;
      expect(e.retryAdvised).toBe(true);
      expect(e.rateLimit).toMatchObject({ remaining: 0, resetSeconds: reset });
      expect(e.retryAfterMs).toBe(reset * 1000);
      // The reset is within the bound, so the client waited exactly that long, each time.
      expect(rec.sleeps).toEqual(Array(MAX_RETRIES).fill(reset * 1000));
      expect(rec.attempts()).toBe(MAX_RETRIES + 1);
      break;
    }
    case 'backoff':
      if (sendsWithoutCid) {
        expect(e.retryAdvised).toBe(false);
        expect(rec.attempts()).toBe(1);
      } else {
        expect(e.retryAdvised).toBe(true);
        expect(rec.attempts()).toBe(MAX_RETRIES + 1);
        // base 100 then 200 capped at 150, equal jitter at random()=0.5: 75 then 113.
        expect(rec.sleeps).toEqual([75, 113]);
      }
      break;
    default:
      entry.retry satisfies never;
  }
}

/**
 * Where the suite's interactions are written. pact merges every interaction it writes into the whole pact
 * file (read, merge, sort, write again), so a file written one interaction at a time costs time quadratic in
 * its size: 300 interactions took 12 s of CPU into one file against 1.8 s into a file each
 * (docs/development.md). pact-js therefore writes each interaction into its own scratch directory, and
 * `join` puts them into the pair's pact file once, merged the way pact merges: an interaction with the same
 * description and provider states replaces the one already in the file, interactions sorted by description.
 */
export class PactParts {
  private readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'push-contracts-pact-parts-'));
  private count = 0;

  constructor(readonly api: ApiId) {}

  /** The pact file `join` writes in `dir`: the one pushPact would have written there. */
  file(dir: string): string {
    return path.join(dir, `${CONSUMER}-${this.api}.json`);
  }

  /** A pact for one interaction, in a directory of its own. */
  next(): PushPact<ApiId> {
    return pushPact({ consumer: CONSUMER, api: this.api, dir: path.join(this.root, String(this.count++)) }) as PushPact<ApiId>;
  }

  /** Merges every interaction written so far into the pact file in `dir` (nothing is written when none was). */
  join(dir: string): void {
    type Interaction = { description: string; providerStates?: Array<{ name: string }> };
    type PactDoc = { consumer: unknown; interactions: Interaction[]; metadata: unknown; provider: unknown };
    const read = (f: string): PactDoc => JSON.parse(fs.readFileSync(f, 'utf8')) as PactDoc;
    const parts = fs.readdirSync(this.root).flatMap((d) => fs.readdirSync(path.join(this.root, d)).map((f) => read(path.join(this.root, d, f))));
    if (parts.length === 0) return;
    const target = this.file(dir);
    const key = (i: Interaction): string => JSON.stringify([i.description, i.providerStates ?? []]);
    const merged = new Map((fs.existsSync(target) ? read(target).interactions : []).map((i) => [key(i), i]));
    for (const i of parts.flatMap((p) => p.interactions)) merged.set(key(i), i);
    const states = (i: Interaction): string => JSON.stringify((i.providerStates ?? []).map((st) => st.name));
    const order = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    const interactions = [...merged.values()].sort((a, b) => order(a.description, b.description) || order(states(a), states(b)));
    const { consumer, metadata, provider } = parts[parts.length - 1];
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(target, JSON.stringify({ consumer, interactions, metadata, provider }, null, 2));
  }

  remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

export function playAndAssert(parts: PactParts, plan: InteractionPlan): Promise<unknown> {
  return parts.next().plan(plan).executeTest(async (mock) => {
    const rec = referenceClient(plan.api, mock.url, credentialsOf(plan), groupCredentialsOf(plan));
    await expectPolicy(plan, () => play(rec.client, plan, declaredMethod(plan)), rec);
  });
}

/** Every secret form of the scan credentials, including the raw key:secret. */
export function secretNeedles(): string[] {
  const c = { appKey: SCAN_ENV.PUSH_APP_KEY, masterSecret: SCAN_ENV.PUSH_MASTER_SECRET };
  const g = { appKey: `group-${SCAN_ENV.PUSH_GROUP_KEY}`, masterSecret: SCAN_ENV.PUSH_GROUP_MASTER_SECRET };
  return [c, g].flatMap((x) => [x.masterSecret, `${x.appKey}:${x.masterSecret}`, basicAuth(x).slice('Basic '.length)]);
}

/** The other causes of each error cell (auth.missing, app.not-vip, every badRequest, …): one interaction each. */
export function alternativePlans(cells: readonly CatalogueCell[]): InteractionPlan[] {
  return cells
    .filter((c) => !c.retired)
    .flatMap((c) => elicitableCauses(c.api, c.endpoint, c.status).slice(1).map((alt) => planInteraction(c.api, c.endpoint, c.status, { cause: alt.cause })));
}

/** Registers the suite of one API; `extra` adds interactions beyond the catalogue cells to the same pact. */
export function describeCatalogue(api: ApiId, extra?: (pact: PactParts) => void): void {
  const pact = new PactParts(api);
  const cells = catalogueCells(api);
  const alternatives = alternativePlans(cells);
  afterAll(() => pact.remove());

  describe(`${api} catalogue`, () => {
    for (const cell of cells) {
      const plan = planCell(cell);
      it(`${plan.description}: the reference client follows the policy`, () => playAndAssert(pact, plan));
    }
  });

  // Batch endpoints answer 200 with one result per item: one interaction where one item succeeds and one fails.
  const itemPlans = getContracts().endpoints(api).filter((e) => e.itemResults && e.auth === 'app').map((e) => planItemResults(api, e.id));
  describe(`${api} per-item results inside a 200`, () => {
    for (const plan of itemPlans) {
      it(`${plan.description}: the client resolves with the 200 and reads the failed item from its envelope`, () =>
        pact.next().plan(plan).executeTest(async (mock) => {
          const rec = referenceClient(plan.api, mock.url, credentialsOf(plan), groupCredentialsOf(plan));
          const answer = await play(rec.client, plan, declaredMethod(plan));
          const endpoint = getContracts().endpoint(plan.api, plan.endpoint);
          expect(getContracts().validate(endpoint.success, answer).errors).toEqual([]);
          const failures = itemFailuresOf(plan.api, plan.endpoint, answer);
          expect(failures.map((f) => f.code)).toEqual([getContracts().codeFor(plan.api, endpoint.family, 'request.no-target')?.code]);
          // A per-item failure is no reason to resend the batch: it was one request, answered.
          expect(rec.attempts()).toBe(1);
        }));
    }
  });

  describe(`${api} other causes of the same statuses`, () => {
    for (const plan of alternatives) {
      it(`${plan.description}: the reference client follows the policy`, () => playAndAssert(pact, plan));
    }
    extra?.(pact);
  });

  describe(`${api} pact file`, () => {
    const file = pact.file(PACT_DIR);
    beforeAll(() => pact.join(PACT_DIR));

    it('holds one interaction per catalogued (endpoint, status) and per other cause, with unique descriptions', () => {
      const written = JSON.parse(fs.readFileSync(file, 'utf8')) as { interactions: Array<{ description: string }> };
      const descriptions = written.interactions.map((i) => i.description);
      expect(new Set(descriptions).size).toBe(descriptions.length);
      for (const cell of cells) expect(descriptions).toContain(planCell(cell).description);
      for (const plan of alternatives) expect(descriptions).toContain(plan.description);
      for (const plan of itemPlans) expect(descriptions).toContain(plan.description);
    });

    it('holds an interaction answering each status of the status table, none left without a pact', () => {
      const written = JSON.parse(fs.readFileSync(file, 'utf8')) as { interactions: Array<{ response: { status: number } }> };
      const answered = new Set(written.interactions.map((i) => i.response.status));
      const missing = getContracts().statuses.map((s) => s.code).filter((code) => !answered.has(code));
      expect(missing).toEqual([]);
    });

    it('carries no secret: neither the master secret, key:secret, nor its base64 Basic form', () => {
      const files = fs.readdirSync(PACT_DIR).filter((f) => f.endsWith('.json'));
      expect(files).toContain(path.basename(file));
      for (const f of files) {
        const text = fs.readFileSync(path.join(PACT_DIR, f), 'utf8');
        for (const needle of secretNeedles()) expect(text.includes(needle)).toBe(false);
      }
    });
  });
}
