/**
 * Which interactions of the broker client's pact (Pact Broker Client V2-Pact Broker.json) the double
 * must answer as the broker does: every interaction on a route the project's commands use. The rest
 * are on routes no push-contracts command sends (webhooks, pacticipant and environment admin, legacy
 * pact fetching, releases), listed here with the reason; docs/broker.md shows the same table and a
 * test keeps the two equal. An interaction in neither list fails the contract test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface PactInteractionV2 {
  readonly description: string;
  readonly providerState?: string;
  readonly request: { readonly method: string; readonly path: string; readonly query?: string };
  readonly response: { readonly status: number };
}

export interface OutOfScope {
  readonly method: string;
  readonly path: RegExp;
  /** The route as docs/broker.md names it. */
  readonly route: string;
  readonly reason: string;
}

export const BROKER_CLIENT_PACT = path.join(__dirname, 'Pact Broker Client V2-Pact Broker.json');
export const VERIFY_FLOW_PACT = path.join(__dirname, 'verify-flow.json');

export const OUT_OF_SCOPE: readonly OutOfScope[] = [
  { method: '*', path: /^\/webhooks(\/|$)/, route: '`/webhooks…` (create, update)', reason: 'no command manages webhooks; a webhook only reaches push-contracts as the PACT_URL it triggers' },
  { method: 'POST', path: /^\/environments$/, route: '`POST /environments`', reason: 'environments are created by the broker administrator, not by a pipeline command' },
  { method: 'GET', path: /^\/environments\/[^/]+(\/|$)/, route: '`GET /environments/{uuid}…` (one environment, its currently deployed versions)', reason: 'record-deployment reaches an environment through the version\'s `pb:record-deployment` links; nothing lists deployed versions' },
  { method: 'PATCH', path: /^\/deployed-versions\//, route: '`PATCH /deployed-versions/{uuid}`', reason: 'no record-undeployment command' },
  { method: 'POST', path: /\/released-versions\//, route: '`POST …/released-versions/environment/{uuid}`', reason: 'no record-release command (deployments only)' },
  { method: 'DELETE', path: /^\/pacticipants\/[^/]+\/branches\//, route: '`DELETE /pacticipants/{p}/branches/{b}`', reason: 'no command deletes branches' },
  { method: 'POST', path: /^\/pacticipants$/, route: '`POST /pacticipants`', reason: 'pacticipants are created by publishing, never directly' },
  { method: 'GET', path: /^\/pacticipants$/, route: '`GET /pacticipants`', reason: 'no command lists pacticipants' },
  { method: 'PATCH', path: /^\/pacticipants\/[^/]+$/, route: '`PATCH /pacticipants/{p}`', reason: 'no command updates a pacticipant (repository URL, main branch)' },
  { method: 'GET', path: /^\/pacticipants\/[^/]+\/latest-version/, route: '`GET /pacticipants/{p}/latest-version[/{tag}]`', reason: 'can-i-deploy asks the matrix with an explicit version; nothing asks for the latest version' },
  { method: 'GET', path: /^\/pacts\/(latest|provider\/[^/]+\/latest)/, route: '`GET /pacts/latest`, `GET /pacts/provider/{p}/latest[/{tag}]`', reason: 'the verifier asks pacts-for-verification, never the legacy latest-pacts lists' },
  { method: 'GET', path: /^\/pacts\/provider\/[^/]+\/consumer\/[^/]+\/(latest|version\/)/, route: '`GET /pacts/provider/{p}/consumer/{c}/latest[/{tag}]`, `…/version/{v}`', reason: 'pacts are fetched by the pact-version links the broker hands out (verify-flow fixture), not by consumer version or tag' },
];

export function outOfScope(i: PactInteractionV2): OutOfScope | undefined {
  const p = decodeURIComponent(i.request.path);
  return OUT_OF_SCOPE.find((o) => (o.method === '*' || o.method === i.request.method) && o.path.test(p));
}

export function readPact(file: string): { consumer: { name: string }; provider: { name: string }; interactions: PactInteractionV2[] } & Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
