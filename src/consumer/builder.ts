/**
 * Typed builders over pact-js PactV4: any (api, endpoint, status) of the catalogue becomes one line in a
 * jest test, with the request, provider states and response (body and headers from the shared schemas)
 * filled in from contracts/. Combinations the catalogue forbids do not compile.
 */
import type { PactV4 } from '@pact-foundation/pact';
import type { V4InteractionWithResponse, V4MockServer } from '@pact-foundation/pact/src/v4/http/types';
import type { JsonMap } from '@pact-foundation/pact/src/common/jsonTypes';
import type { ApiId, EndpointId, EndpointStatus } from '../contracts';
import { PushContractsError } from '../errors';
import {
  planInteraction, planRetired, type InteractionOptions, type InteractionPlan, type RequestExample,
} from './plan';
import { newPactV4 } from './pact-v4';

/** Adds a plan to a PactV4 and returns the stage that runs the test. */
export function addPlanToPact(pact: PactV4, plan: InteractionPlan): V4InteractionWithResponse {
  let i = pact.addInteraction();
  for (const s of plan.states) i = s.params ? i.given(s.name, s.params as JsonMap) : i.given(s.name);
  const { request, response } = plan;
  return i
    .uponReceiving(plan.description)
    .withRequest(request.method, request.path, (b) => {
      if (request.query) b.query(request.query);
      b.headers(request.headers);
      if (request.body !== undefined) b.jsonBody(request.body);
    })
    .willRespondWith(response.status, (b) => {
      if (response.headers) b.headers(response.headers);
      if (response.body !== undefined) b.jsonBody(response.body);
    });
}

interface MatchState {
  mockServerMatchedSuccessfully(port: number): boolean;
}

// Only waited out when a request really went unmatched; a matched one settles in milliseconds.
const SETTLE_LIMIT_MS = 2000;

/**
 * Waits until the mock server has recorded the requests it already answered. The native mock server
 * can write a response before it records the match, so under load pact-js sometimes checks too early
 * and reports "expected but not received" for a request the client has fully read (seen with pact
 * 16.4.0: one or two of the ~340 catalogue interactions per run, with two jest workers on two cores;
 * upstream: pact-foundation/pact-reference#535, since 16.3.0).
 */
export async function waitForMatches(pact: PactV4, port: number): Promise<void> {
  const core = (pact as unknown as { pact?: MatchState }).pact;
  if (typeof core?.mockServerMatchedSuccessfully !== 'function') return;
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  while (!core.mockServerMatchedSuccessfully(port) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** The test a consumer runs against the mock server: gets its URL and the request that plays the interaction. */
export type InteractionTest<T> = (mockServer: V4MockServer, example: RequestExample) => Promise<T>;

/** One planned interaction, ready to run on a PactV4. */
export class PushInteraction {
  readonly plan: InteractionPlan;

  constructor(plan: InteractionPlan) {
    this.plan = plan;
  }

  get description(): string {
    return this.plan.description;
  }

  /** The request the consumer test must send (method, filled path, query, body, which credentials). */
  get example(): RequestExample {
    return this.plan.example;
  }

  /** Adds the interaction to a PactV4; call `executeTest` on the result, as with plain pact-js. */
  addTo(pact: PactV4): V4InteractionWithResponse {
    return addPlanToPact(pact, this.plan);
  }

  /** Adds the interaction to `pact` and runs `test` against the mock server; the pact is written if it passes. */
  executeTest<T>(pact: PactV4, test: InteractionTest<T>): Promise<T | undefined> {
    return this.addTo(pact).executeTest(async (mock) => {
      const value = await test(mock, this.plan.example);
      await waitForMatches(pact, mock.port);
      return value;
    });
  }
}

/**
 * The interaction that makes `endpoint` of `api` answer `status`. A status the catalogue does not list for
 * the endpoint is a type error; a cause the endpoint cannot elicit throws PC_ERR_NOT_CATALOGUED.
 *
 * @example
 * await interaction('jpush-v3', 'push', 401).executeTest(pact, async (mock, req) => {
 *   await expect(client(mock.url, req).push(req.body)).rejects.toMatchObject({ status: 401, code: 1004 });
 * });
 * @see docs/consumer.md
 */
export function interaction<A extends ApiId, E extends EndpointId<A>>(
  api: A,
  endpoint: E,
  status: EndpointStatus<A, E>,
  options?: InteractionOptions,
): PushInteraction {
  return new PushInteraction(planInteraction(api, endpoint, status, options));
}

/**
 * The 410 interaction of a retired endpoint (contracts.apis[api].retired). Retired ids are data, so an
 * unknown id is a runtime PC_ERR_NOT_CATALOGUED rather than a type error.
 *
 * @example
 * await retiredInteraction('jpush-v3', 'v2.push').executeTest(pact, async (mock) => { ... });
 * @see docs/consumer.md
 */
export function retiredInteraction(api: ApiId, retiredId: string, options?: Pick<InteractionOptions, 'description'>): PushInteraction {
  return new PushInteraction(planRetired(api, retiredId, options));
}

export interface PushPactOptions<A extends ApiId> {
  /** Your consumer's name, as the pact file and the broker will show it. */
  readonly consumer: string;
  readonly api: A;
  /** Provider name in the pact; defaults to the api id ('jpush-v3', 'mtpush-v4'). */
  readonly provider?: string;
  /** Where pact files are written; defaults to ./pacts. */
  readonly dir?: string;
  readonly logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
}

/** An interaction bound to its PushPact, so a test runs it with one call. */
export interface BoundInteraction {
  readonly plan: InteractionPlan;
  readonly example: RequestExample;
  executeTest<T>(test: InteractionTest<T>): Promise<T | undefined>;
}

/**
 * A PactV4 for one consumer-provider pair with catalogue-aware factories: one pact file per pair.
 *
 * @example
 * const jpush = pushPact({ consumer: 'my-app', api: 'jpush-v3' });
 * it('surfaces a 429 with its reset', () =>
 *   jpush.interaction('push', 429).executeTest(async (mock, req) => { ... }));
 * @see docs/consumer.md
 */
export class PushPact<A extends ApiId> {
  readonly api: A;
  readonly consumer: string;
  readonly provider: string;
  readonly pact: PactV4;

  constructor(options: PushPactOptions<A>) {
    if (!options.consumer) throw new PushContractsError('PC_ERR_USAGE', 'pushPact needs a consumer name');
    this.api = options.api;
    this.consumer = options.consumer;
    this.provider = options.provider ?? options.api;
    this.pact = newPactV4({
      consumer: this.consumer,
      provider: this.provider,
      dir: options.dir ?? 'pacts',
      logLevel: options.logLevel ?? 'error',
    });
  }

  /** The interaction that makes `endpoint` answer `status`; see `interaction()`. */
  interaction<E extends EndpointId<A>>(endpoint: E, status: EndpointStatus<A, E>, options?: InteractionOptions): BoundInteraction {
    return this.bind(interaction(this.api, endpoint, status, options));
  }

  /** The 410 interaction of a retired endpoint; see `retiredInteraction()`. */
  retired(retiredId: string, options?: Pick<InteractionOptions, 'description'>): BoundInteraction {
    return this.bind(retiredInteraction(this.api, retiredId, options));
  }

  /** Binds an already planned interaction (from `planInteraction`/`planCell`) to this pact. */
  plan(plan: InteractionPlan): BoundInteraction {
    if (plan.api !== this.api) throw new PushContractsError('PC_ERR_USAGE', `plan is for ${plan.api}, this pact is for ${this.api}`);
    return this.bind(new PushInteraction(plan));
  }

  private bind(i: PushInteraction): BoundInteraction {
    return {
      plan: i.plan,
      example: i.example,
      executeTest: <T>(test: InteractionTest<T>) => i.executeTest(this.pact, test),
    };
  }
}

/** Creates a PushPact; see the class. */
export function pushPact<A extends ApiId>(options: PushPactOptions<A>): PushPact<A> {
  return new PushPact(options);
}
