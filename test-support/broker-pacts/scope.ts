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

/** One row of docs/broker.md's table of the broker endpoints push-contracts relies on. */
export interface DocumentedEndpoint {
  readonly methods: readonly string[];
  /** The path as the table writes it (`{p}` placeholders, `…` for any prefix, `[…]` optional), without its query. */
  readonly path: string;
  readonly matches: (method: string, path: string) => boolean;
  /** The fixture interactions the row names as its proof (quoted descriptions, `…` for a shared prefix). */
  readonly proofs: readonly string[];
  /** The row says it has no fixture in test-support/broker-pacts/ (and why). */
  readonly noFixture: boolean;
}

const METHOD = /^(GET|POST|PUT|PATCH|DELETE)\b\s*(.*)$/;

function safeDecode(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

/** The rows of the table under "| broker endpoint |" in docs/broker.md. */
export function documentedEndpoints(doc: string): DocumentedEndpoint[] {
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| broker endpoint |'));
  if (start < 0) throw new Error('docs/broker.md has no "| broker endpoint |" table');
  const rows: DocumentedEndpoint[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const [endpoint, , proof] = line.split(' | ').map((c) => c.replace(/^\| ?| ?\|$/g, ''));
    const codes = [...endpoint.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    const methods: string[] = [];
    let routePath = '';
    for (const c of codes) {
      const m = METHOD.exec(c);
      if (!m) continue;
      methods.push(m[1]);
      if (m[2]) routePath = m[2].split('?')[0].split(' ')[0];
    }
    const source = routePath
      .split(/(\{[^}]+\}|…|\[|\])/)
      .map((part) => (part === '…' ? '.*' : part === '[' ? '(?:' : part === ']' ? ')?' : /^\{[^}]+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    const re = new RegExp(`^${source}$`);
    rows.push({
      methods,
      path: routePath,
      // A placeholder is one path segment as sent: a branch `feat/x` travels as `feat%2Fx`.
      matches: (method, p) => methods.includes(method) && (re.test(p) || re.test(safeDecode(p))),
      proofs: [...(proof ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]),
      noFixture: /no fixture in `test-support\/broker-pacts\/`/.test(proof ?? ''),
    });
  }
  return rows;
}

/** Whether a fixture interaction answers to a description as the table quotes it (`…x` stands for any beginning). */
export function namesInteraction(quoted: string, description: string): boolean {
  return quoted.startsWith('…') ? description.includes(quoted.slice(1)) : description.startsWith(quoted);
}
