/**
 * Writes a small pact with pact-js itself (a real mock server, a real request), so broker tests
 * publish a file exactly as consumers produce it without waiting for the consumer suites.
 */
import { waitForMatches } from '../src/consumer/builder';
import { newPactV4 } from '../src/consumer/pact-v4';
import { matchersV3 } from '../src/matchers/pact-matchers';
import { getContracts } from '../src/contracts';
import { basicAuth, PLACEHOLDER_CREDENTIALS } from '../src/credentials';

export interface SmallInteraction {
  readonly description: string;
  readonly state?: string;
  readonly stateParams?: Record<string, string>;
  readonly request: { readonly method: string; readonly path: string; readonly headers?: Record<string, string>; readonly body?: unknown };
  readonly response: { readonly status: number; readonly headers?: Record<string, string>; readonly body?: unknown };
  /** Wrap the response body's leaves in type matchers, as consumer tests do. */
  readonly like?: boolean;
}

export interface SmallPact {
  readonly consumer: string;
  readonly provider: string;
  readonly interactions: readonly SmallInteraction[];
}

/** Writes `<dir>/<consumer>-<provider>.json` and returns its path. */
export async function writeSmallPact(dir: string, spec: SmallPact): Promise<string> {
  process.env.PACT_DO_NOT_TRACK = 'true';
  const pact = newPactV4({ consumer: spec.consumer, provider: spec.provider, dir, logLevel: 'error' });
  for (const i of spec.interactions) {
    let stage = pact.addInteraction();
    if (i.state) stage = stage.given(i.state, i.stateParams);
    await stage
      .uponReceiving(i.description)
      .withRequest(i.request.method, i.request.path, (b) => {
        if (i.request.headers) b.headers(i.request.headers);
        if (i.request.body !== undefined) b.jsonBody(i.request.body);
      })
      .willRespondWith(i.response.status, (b) => {
        if (i.response.headers) b.headers(i.response.headers);
        if (i.response.body !== undefined) b.jsonBody(i.like ? matchersV3().like(i.response.body) : i.response.body);
      })
      .executeTest(async (mock) => {
        const res = await fetch(mock.url + i.request.path, {
          method: i.request.method,
          headers: { ...(i.request.body !== undefined ? { 'content-type': 'application/json' } : {}), ...i.request.headers },
          body: i.request.body === undefined ? undefined : JSON.stringify(i.request.body),
        });
        await res.arrayBuffer();
        // The mock server can answer before it records the match; without this wait executeTest
        // sometimes reports the answered request as "expected but not received" (seen in CI).
        await waitForMatches(pact, mock.port);
      });
  }
  return `${dir}/${spec.consumer}-${spec.provider}.json`;
}

/**
 * A push to a platform jpush-v3 does not know, under push's success state: the reference service answers
 * it with push's `request.invalid-value` error. `expect` names another cause's code for a consumer whose
 * expectation the provider breaks; `like` (default true) wraps the body's leaves in type matchers.
 */
export function unknownPlatformPush(description: string, options: { expect?: string; like?: boolean } = {}): SmallInteraction {
  const contracts = getContracts();
  const cause = options.expect ?? 'request.invalid-value';
  const code = contracts.codeFor('jpush-v3', 'push', cause);
  const state = contracts.endpoint('jpush-v3', 'push').elicit?.success?.state;
  if (!code || !state) throw new Error(`contracts: push has no '${cause}' code or no success state`);
  return {
    description,
    state: state.name,
    stateParams: state.params as Record<string, string>,
    request: { method: 'POST', path: '/v3/push', headers: { Authorization: basicAuth(PLACEHOLDER_CREDENTIALS) }, body: { platform: 'symbian', audience: 'all', notification: { alert: 'hi' } } },
    response: { status: code.status, headers: { 'Content-Type': 'application/json' }, body: { error: { code: code.code, message: code.message } } },
    like: options.like ?? true,
  };
}
