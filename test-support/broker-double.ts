/**
 * A Pact Broker test double for the real clients (the Rust `pact broker` CLI and pact's Verifier).
 * It serves the HAL routes those clients use, keeps just enough state to answer can-i-deploy
 * honestly, and records every request so tests assert what the clients really sent. Test code only:
 * the Pact Broker cannot run here.
 *
 * What it answers is held to the real broker's contract: the Pact Broker client's own pact with the
 * broker and a pact derived from the broker's source (test-support/broker-pacts/), both verified
 * against this double by provider-tests/broker-double-contract.test.ts. Their provider states are
 * set up through PROVIDER_STATES_PATH, which does what the broker's shared_provider_states.rb does
 * (test-support/broker-provider-states.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setUpProviderState } from './broker-provider-states';

export interface RecordedRequest {
  readonly method: string;
  /** Path with query string, as sent. */
  readonly url: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  /** Parsed JSON body, or the raw text when not JSON, or undefined when empty. */
  readonly body: unknown;
  /** The status the double answered. */
  status?: number;
}

export interface BrokerDoubleOptions {
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** When set, every request must carry Basic credentials. */
  readonly basic?: { readonly username: string; readonly password: string };
  /** Environments the broker knows (a real broker seeds test and production). */
  readonly environments?: readonly string[];
  /**
   * The base URL written into its links, as a real broker's PACT_BROKER_BASE_URL (its contract tests
   * use http://example.org). Default: the address it listens on.
   */
  readonly baseUrl?: string;
  /**
   * Also serve PactFlow's provider-contract publication (bi-directional contract testing): the index
   * relation pf:publish-provider-contract and its POST, as the pact CLI's `pactflow
   * publish-provider-contract` uses them (pact_broker-client's PactFlow pact: the request body and
   * the notices, version, tags and branch-version links of the answer). Off by default: the OSS
   * broker has neither.
   */
  readonly pactflow?: boolean;
}

/** A forced answer for requests matching a method and path, for failure tests. */
export interface Fault {
  readonly method?: string;
  readonly path: RegExp;
  readonly status: number;
  /** How many matching requests get the fault; unlimited when unset. */
  times?: number;
}

interface PactPublication {
  readonly consumer: string;
  readonly consumerVersion: string;
  readonly provider: string;
  readonly sha: string;
  readonly createdAt: string;
}

interface Verification {
  readonly consumer: string;
  readonly provider: string;
  readonly pactSha: string;
  readonly providerVersion: string;
  readonly success: boolean;
  readonly body: Record<string, unknown>;
  readonly verifiedAt: string;
  readonly id: number;
  /** Published for a pact verified as work in progress (its link's metadata said `w=true`): the broker keeps it apart for WIP. */
  readonly wip: boolean;
  /** When it was recorded, on the same clock as versions and branches. */
  readonly order: number;
}

interface Version {
  readonly number: string;
  branch?: string;
  readonly tags: Set<string>;
  buildUrl?: string;
  readonly order: number;
}

interface Pacticipant {
  mainBranch?: string;
  repositoryUrl?: string;
  readonly versions: Map<string, Version>;
  /** When each branch got its first version (the broker's Version.first_for_pacticipant_id_and_branch). */
  readonly branchesCreated: Map<string, number>;
}

interface Deployment {
  readonly pacticipant: string;
  readonly version: string;
  readonly environment: string;
  readonly applicationInstance?: string;
  readonly uuid: string;
}

export interface Environment {
  readonly name: string;
  readonly uuid: string;
  readonly displayName: string;
  readonly production: boolean;
  readonly contacts?: ReadonlyArray<{ name: string; details?: Record<string, string> }>;
}

export interface BrokerState {
  readonly pacticipants: Map<string, Pacticipant>;
  readonly pactContents: Map<string, Record<string, unknown>>;
  readonly publications: PactPublication[];
  readonly verifications: Verification[];
  readonly deployments: Deployment[];
  readonly environments: Environment[];
  /** Provider contracts published to PactFlow (only with the pactflow option), content decoded. */
  readonly providerContracts: ProviderContract[];
}

export interface ProviderContract {
  readonly provider: string;
  readonly version: string;
  readonly content: string;
  readonly contentType: string;
  readonly specification: string;
  readonly selfVerificationResults: Record<string, unknown> | null;
}

/**
 * The broker's data, written directly: what the broker's own TestDataBuilder does for its provider
 * states. Used by the seeding route and by tests that need a broker with history.
 */
export interface BrokerSeed {
  pacticipant(name: string, fields?: { repositoryUrl?: string; mainBranch?: string }): void;
  version(pacticipant: string, number: string, fields?: { branch?: string; tags?: readonly string[] }): void;
  /** Publishes a pact of consumer@version for provider (a small generated one unless content is given); returns its sha. */
  pact(consumer: string, consumerVersion: string, provider: string, content?: Record<string, unknown>): string;
  verification(pactSha: string, providerVersion: string, success?: boolean, fields?: { wip?: boolean }): void;
  environment(name: string, fields?: { uuid?: string; production?: boolean; contacts?: Environment['contacts'] }): void;
  deployment(pacticipant: string, version: string, environment: string, fields?: { uuid?: string; applicationInstance?: string }): void;
}

export interface BrokerDouble {
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly state: BrokerState;
  readonly faults: Fault[];
  readonly seed: BrokerSeed;
  /** Forgets everything: no pacticipant, pact, verification, deployment or environment. */
  reset(): void;
  /** Requests whose method and path match, in order. */
  requestsTo(method: string, path: string | RegExp): RecordedRequest[];
  close(): Promise<void>;
}

/**
 * Where the double takes provider-state calls (pact's `{state, params, action}`): setup seeds the
 * state named in the broker's shared_provider_states.rb onto an empty broker, teardown empties it
 * (the broker's own CI cleans its database between interactions). Not a Pact Broker route.
 */
export const PROVIDER_STATES_PATH = '/_double/provider-states';

const MAIN_BRANCH_NAMES = ['main', 'master', 'develop'];
const HAL = 'application/hal+json;charset=utf-8';

class HttpAnswer {
  constructor(readonly status: number, readonly body: unknown) {}
}

function seg(s: string): string {
  return encodeURIComponent(s);
}

/** The interaction ids the broker adds on publish and verification results refer to. */
function withInteractionIds(pact: Record<string, unknown>): Record<string, unknown> {
  const interactions = ((pact.interactions as Array<Record<string, unknown>> | undefined) ?? []).map((i) => {
    const { _id: _drop, ...rest } = i;
    return { _id: createHash('sha1').update(JSON.stringify(rest)).digest('hex'), ...rest };
  });
  return { ...pact, interactions };
}

/**
 * Rack's nested query parsing (Rack::Utils.parse_nested_query), which the broker's matrix uses:
 * `q[][pacticipant]=A&q[][version]=1&q[][pacticipant]=B` is two selectors, because a key that the
 * last hash of the array already has starts a new one. Parameter order therefore matters.
 */
export function parseNestedArrays(rawQuery: string): { arrays: Map<string, Array<Record<string, string>>>; scalars: Map<string, string> } {
  const arrays = new Map<string, Array<Record<string, string>>>();
  const scalars = new Map<string, string>();
  for (const part of rawQuery.split('&').filter(Boolean)) {
    const eq = part.indexOf('=');
    const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    const key = dec(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : dec(part.slice(eq + 1));
    const m = /^([^[]+)\[\]\[([^\]]+)\]$/.exec(key);
    if (!m) {
      scalars.set(key.replace(/\[\]$/, ''), value);
      continue;
    }
    const list = arrays.get(m[1]) ?? [];
    arrays.set(m[1], list);
    const last = list[list.length - 1];
    if (!last || m[2] in last) list.push({ [m[2]]: value });
    else last[m[2]] = value;
  }
  return { arrays, scalars };
}

/** The index relations of the real broker (lib/pact_broker/api/resources/index.rb), hrefs relative to the base. */
const INDEX_RELATIONS: ReadonlyArray<[string, string, string, boolean | undefined]> = [
  ['pb:publish-pact', '/pacts/provider/{provider}/consumer/{consumer}/version/{consumerApplicationVersion}', 'Publish a pact', true],
  ['pb:publish-contracts', '/contracts/publish', 'Publish contracts', false],
  ['pb:latest-pact-versions', '/pacts/latest', 'Latest pact versions', false],
  ['pb:tagged-pact-versions', '/pacts/provider/{provider}/consumer/{consumer}/tag/{tag}', 'All versions of a pact for a given consumer, provider and consumer version tag', false],
  ['pb:branch-pact-versions', '/pacts/provider/{provider}/consumer/{consumer}/branch/{branch}', 'All versions of pacts for a provider, for a named consumers branch', true],
  ['pb:latest-branch-pact-versions', '/pacts/provider/{provider}/consumer/{consumer}/branch/{branch}/latest/versions', 'Latest version of pact for a provider, for a named consumers branch', true],
  ['pb:main-branch-pact-versions', '/pacts/provider/{provider}/consumer/{consumer}/branch/versions', 'All versions of pacts for a provider, for a named consumers main branch', true],
  ['pb:latest-main-branch-pact-versions', '/pacts/provider/{provider}/consumer/{consumer}/branch/latest/versions', 'Latest version of pact for a provider, for a named consumers main branch', true],
  ['pb:provider-pacts-with-main-branch', '/pacts/provider/{provider}/branch', 'All pacts for a provider, for any consumers main branch', true],
  ['pb:provider-pacts-with-branch', '/pacts/provider/{provider}/branch/{branch}', 'All pacts for a provider, for any consumers named branch', true],
  ['pb:latest-provider-pacts-with-main-branch', '/pacts/provider/{provider}/branch/latest', 'Latest pact for a provider, for any consumers main branch', true],
  ['pb:latest-provider-pacts-with-branch', '/pacts/provider/{provider}/branch/{branch}/latest', 'Latest pacts for a provider, for any consumers named branch', true],
  ['pb:pacticipants', '/pacticipants', 'Pacticipants', false],
  ['pb:pacticipant', '/pacticipants/{pacticipant}', 'Fetch pacticipant by name', true],
  ['pb:latest-provider-pacts', '/pacts/provider/{provider}/latest', 'Latest pacts by provider', true],
  ['pb:latest-provider-pacts-with-tag', '/pacts/provider/{provider}/latest/{tag}', 'Latest pacts for provider with the specified tag', true],
  ['pb:provider-pacts-with-tag', '/pacts/provider/{provider}/tag/{tag}', 'All pact versions for the provider with the specified consumer version tag', true],
  ['pb:provider-pacts', '/pacts/provider/{provider}', 'All pact versions for the specified provider', true],
  ['pb:latest-version', '/pacticipants/{pacticipant}/latest-version', 'Latest pacticipant version', true],
  ['pb:latest-tagged-version', '/pacticipants/{pacticipant}/latest-version/{tag}', 'Latest pacticipant version with the specified tag', true],
  ['pb:webhooks', '/webhooks', 'Webhooks', false],
  ['pb:webhook', '/webhooks/{uuid}', 'Webhook', true],
  ['pb:integrations', '/integrations', 'Integrations', false],
  ['pb:pacticipant-version-tag', '/pacticipants/{pacticipant}/versions/{version}/tags/{tag}', 'Get, create or delete a tag for a pacticipant version', true],
  ['pb:pacticipant-branch', '/pacticipants/{pacticipant}/branches/{branch}', 'Get or delete a pacticipant branch', true],
  ['pb:pacticipant-branch-version', '/pacticipants/{pacticipant}/branches/{branch}/versions/{version}', 'Get or add/create a pacticipant version for a branch', true],
  ['pb:pacticipant-version', '/pacticipants/{pacticipant}/versions/{version}', 'Get, create or delete a pacticipant version', true],
  ['pb:metrics', '/metrics', 'Get Pact Broker metrics', undefined],
  ['pb:can-i-deploy-pacticipant-version-to-tag', '/can-i-deploy?pacticipant={pacticipant}&version={version}&to={tag}', 'Determine if an application version can be safely deployed to an environment identified by the given tag', true],
  ['pb:can-i-deploy-pacticipant-version-to-environment', '/can-i-deploy?pacticipant={pacticipant}&version={version}&environment={environment}', 'Determine if an application version can be safely deployed to an environment', true],
  ['pb:provider-pacts-for-verification', '/pacts/provider/{provider}/for-verification', 'Pact versions to be verified for the specified provider', true],
  ['pb:environments', '/environments', 'Environments', false],
  ['pb:environment', '/environments/{uuid}', 'Environment', true],
];

export async function startBrokerDouble(options: BrokerDoubleOptions = {}): Promise<BrokerDouble> {
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const state: BrokerState = {
    pacticipants: new Map(),
    pactContents: new Map(),
    publications: [],
    verifications: [],
    deployments: [],
    environments: [],
    providerContracts: [],
  };
  let base = '';
  let order = 0;
  let verificationId = 0;

  const pacticipant = (name: string): Pacticipant => {
    let p = state.pacticipants.get(name);
    if (!p) {
      p = { versions: new Map(), branchesCreated: new Map() };
      state.pacticipants.set(name, p);
    }
    return p;
  };
  const version = (name: string, number: string): Version => {
    const p = pacticipant(name);
    let v = p.versions.get(number);
    if (!v) {
      v = { number, tags: new Set(), order: order++ };
      p.versions.set(number, v);
    }
    return v;
  };
  const setBranch = (name: string, v: Version, branch: string) => {
    v.branch = branch;
    const p = pacticipant(name);
    if (!p.branchesCreated.has(branch)) p.branchesCreated.set(branch, order++);
    // The real broker infers the main branch from the first version on a conventional name.
    if (!p.mainBranch && MAIN_BRANCH_NAMES.includes(branch)) p.mainBranch = branch;
  };
  const existingVersion = (name: string, number: string) => state.pacticipants.get(name)?.versions.get(number);
  const latestVersion = (name: string, filter: (v: Version) => boolean = () => true): Version | undefined =>
    [...(state.pacticipants.get(name)?.versions.values() ?? [])].filter(filter).sort((a, b) => a.order - b.order).pop();

  const pactVersionUrl = (pub: { consumer: string; provider: string; sha: string }) =>
    `${base}/pacts/provider/${seg(pub.provider)}/consumer/${seg(pub.consumer)}/pact-version/${pub.sha}`;
  /**
   * The broker links a pact to verify with a metadata segment (base64url of a Rack nested query,
   * lib/pact_broker/api/pact_broker_urls.rb) that records why it was selected; the verification
   * results are posted below the same URL so the broker can tell which consumer version they are for.
   */
  const pactUrlWithMetadata = (pub: PactPublication, metadata: string) => `${pactVersionUrl(pub)}/metadata/${Buffer.from(metadata).toString('base64url')}`;

  const publish = (consumer: string, consumerVersion: string, provider: string, pact: Record<string, unknown>): string => {
    const content = withInteractionIds(pact);
    const sha = createHash('sha1').update(JSON.stringify(content)).digest('hex');
    state.pactContents.set(sha, content);
    version(consumer, consumerVersion);
    pacticipant(provider);
    state.publications.push({ consumer, consumerVersion, provider, sha, createdAt: new Date().toISOString() });
    return sha;
  };
  const recordVerification = (pub: PactPublication, providerVersion: string, success: boolean, body: Record<string, unknown>, wip = false): Verification => {
    version(pub.provider, providerVersion);
    const v: Verification = { consumer: pub.consumer, provider: pub.provider, pactSha: pub.sha, providerVersion, success, body, verifiedAt: new Date().toISOString(), id: ++verificationId, wip, order: order++ };
    state.verifications.push(v);
    return v;
  };

  const seed: BrokerSeed = {
    pacticipant: (name, fields = {}) => {
      const p = pacticipant(name);
      if (fields.repositoryUrl !== undefined) p.repositoryUrl = fields.repositoryUrl;
      if (fields.mainBranch !== undefined) p.mainBranch = fields.mainBranch;
    },
    version: (name, number, fields = {}) => {
      const v = version(name, number);
      if (fields.branch !== undefined) setBranch(name, v, fields.branch);
      for (const t of fields.tags ?? []) v.tags.add(t);
    },
    pact: (consumer, consumerVersion, provider, content) =>
      publish(consumer, consumerVersion, provider, content ?? {
        consumer: { name: consumer },
        provider: { name: provider },
        // Distinct content per consumer version, as the broker's random_json_content gives.
        interactions: [{ description: `a request from ${consumer} ${consumerVersion}`, request: { method: 'GET', path: '/' }, response: { status: 200 } }],
        metadata: { pactSpecification: { version: '2.0.0' } },
      }),
    verification: (pactSha, providerVersion, success = true, fields = {}) => {
      const pub = [...state.publications].reverse().find((p) => p.sha === pactSha);
      if (!pub) throw new Error(`no pact with sha ${pactSha}`);
      recordVerification(pub, providerVersion, success, { providerApplicationVersion: providerVersion, success }, fields.wip === true);
    },
    environment: (name, fields = {}) => {
      state.environments.push({ name, uuid: fields.uuid ?? randomUUID(), displayName: name.charAt(0).toUpperCase() + name.slice(1), production: fields.production ?? name === 'production', contacts: fields.contacts });
    },
    deployment: (name, number, environment, fields = {}) => {
      version(name, number);
      state.deployments.push({ pacticipant: name, version: number, environment, applicationInstance: fields.applicationInstance, uuid: fields.uuid ?? randomUUID() });
    },
  };
  const reset = () => {
    state.pacticipants.clear();
    state.pactContents.clear();
    state.publications.length = 0;
    state.verifications.length = 0;
    state.deployments.length = 0;
    state.providerContracts.length = 0;
    state.environments.length = 0;
  };
  for (const name of options.environments ?? ['test', 'production']) seed.environment(name);

  const authorised = (req: http.IncomingMessage): boolean => {
    if (!options.token && !options.basic) return true;
    const header = req.headers.authorization ?? '';
    if (options.token && header === `Bearer ${options.token}`) return true;
    if (options.basic) {
      const expected = 'Basic ' + Buffer.from(`${options.basic.username}:${options.basic.password}`).toString('base64');
      if (header === expected) return true;
    }
    return false;
  };

  function publishContracts(body: Record<string, unknown>): HttpAnswer {
    const name = body.pacticipantName;
    const number = body.pacticipantVersionNumber;
    const contracts = body.contracts;
    if (typeof name !== 'string' || typeof number !== 'string' || !Array.isArray(contracts) || contracts.length === 0) {
      return new HttpAnswer(400, { errors: { contracts: ['pacticipantName, pacticipantVersionNumber and contracts are required'] } });
    }
    const v = version(name, number);
    if (typeof body.branch === 'string') setBranch(name, v, body.branch);
    for (const t of (body.tags as string[] | undefined) ?? []) v.tags.add(t);
    if (typeof body.buildUrl === 'string') v.buildUrl = body.buildUrl;
    const links: Array<{ href: string; name: string; title: string }> = [];
    const notices: Array<{ type: string; text: string }> = [];
    for (const c of contracts as Array<Record<string, unknown>>) {
      if (c.specification !== 'pact' || typeof c.content !== 'string' || c.consumerName !== name || typeof c.providerName !== 'string') {
        return new HttpAnswer(400, { errors: { contracts: [`contract for ${String(c.providerName)} is not a pact of ${name}`] } });
      }
      let pact: Record<string, unknown>;
      try {
        pact = JSON.parse(Buffer.from(c.content, 'base64').toString('utf8')) as Record<string, unknown>;
      } catch {
        return new HttpAnswer(400, { errors: { contracts: ['content is not base64 of a JSON pact'] } });
      }
      const provider = c.providerName;
      const previous = state.publications.filter((p) => p.consumer === name && p.consumerVersion === number && p.provider === provider).pop();
      if (previous && c.onConflict === 'merge') {
        const old = state.pactContents.get(previous.sha) as { interactions?: unknown[] };
        const fresh = (pact.interactions as unknown[] | undefined) ?? [];
        pact = { ...pact, interactions: [...(old.interactions ?? []), ...fresh] };
      }
      const sha = publish(name, number, provider, pact);
      links.push({ href: pactVersionUrl({ consumer: name, provider, sha }), name: `Pact between ${name} (${number}) and ${provider}`, title: 'Pact' });
      notices.push({ type: 'success', text: `Pact for ${name} version ${number} and provider ${provider} published.` });
    }
    const versionHref = `${base}/pacticipants/${seg(name)}/versions/${seg(number)}`;
    return new HttpAnswer(200, {
      notices,
      // The real broker keeps `logs` for old clients and marks them deprecated with this very text.
      logs: notices.map((n) => ({ level: n.type, message: n.text, deprecationWarning: 'Replaced by notices' })),
      _embedded: {
        pacticipant: { name, _links: { self: { href: `${base}/pacticipants/${seg(name)}` } } },
        version: { number, _links: { self: { href: versionHref, name: number, title: 'Version' } } },
      },
      _links: {
        'pb:pacticipant': { href: `${base}/pacticipants/${seg(name)}`, name, title: 'Pacticipant' },
        'pb:pacticipant-version': { href: versionHref, name: number, title: 'Pacticipant version' },
        'pb:pacticipant-version-tags': [...v.tags].map((t) => ({ href: `${versionHref}/tags/${seg(t)}`, name: t, title: 'Tag' })),
        'pb:contracts': links,
      },
    });
  }

  const latestPublication = (pubs: readonly PactPublication[]): PactPublication | undefined =>
    [...pubs].sort((a, b) => (existingVersion(a.consumer, a.consumerVersion)?.order ?? 0) - (existingVersion(b.consumer, b.consumerVersion)?.order ?? 0)).pop();

  const deployedVersions = (name: string, environment?: string) =>
    state.deployments.filter((d) => d.pacticipant === name && (environment === undefined || d.environment === environment)).map((d) => d.version);

  /**
   * POST pacts-for-verification (lib/pact_broker/api/resources/provider_pacts_for_verification.rb and
   * verifiable_pact_decorator.rb): the pacts the selectors choose, each linked with its metadata;
   * `pending` only when the request asks for it (includePendingStatus); WIP pacts only with
   * includePendingStatus and includeWipPactsSince.
   */
  function pactsForVerification(provider: string, body: Record<string, unknown>): HttpAnswer {
    if (!state.pacticipants.has(provider)) return new HttpAnswer(404, { error: `No provider with name '${provider}' found` });
    const selectors = (body.consumerVersionSelectors as Array<Record<string, unknown>> | undefined) ?? [{ mainBranch: true }, { deployedOrReleased: true }];
    const providerBranch = body.providerVersionBranch as string | undefined;
    const includePending = body.includePendingStatus === true;
    const ofProvider = state.publications.filter((p) => p.provider === provider);
    const chosen = new Map<string, { pub: PactPublication; why: string[]; meta: string[] }>();
    const choose = (pub: PactPublication | undefined, why: string, meta: string) => {
      if (!pub) return;
      const entry = chosen.get(pub.sha) ?? { pub, why: [], meta: [] };
      entry.why.push(why);
      entry.meta.push(meta);
      chosen.set(pub.sha, entry);
    };
    for (const s of selectors) {
      const consumers = [...new Set(ofProvider.map((p) => p.consumer))].filter((c) => s.consumer === undefined || s.consumer === c);
      for (const consumer of consumers) {
        const pubs = ofProvider.filter((p) => p.consumer === consumer);
        const onBranch = (branch: string | undefined) => pubs.filter((p) => branch !== undefined && existingVersion(consumer, p.consumerVersion)?.branch === branch);
        const cv = (pub: PactPublication | undefined) => (pub ? `&s[][cv]=${seg(pub.consumerVersion)}` : '');
        if (s.mainBranch === true) {
          const main = state.pacticipants.get(consumer)?.mainBranch;
          const pub = latestPublication(onBranch(main));
          choose(pub, 'latest from the main branch', `s[][b]=${seg(main ?? '')}&s[][l]=true${cv(pub)}`);
        } else if (s.matchingBranch === true) {
          const pub = latestPublication(onBranch(providerBranch));
          choose(pub, `latest from matching branch '${providerBranch}'`, `s[][b]=${seg(providerBranch ?? '')}&s[][l]=true${cv(pub)}`);
        } else if (typeof s.branch === 'string') {
          const pub = latestPublication(onBranch(s.branch));
          choose(pub, `latest from branch '${s.branch}'`, `s[][b]=${seg(s.branch)}&s[][l]=true${cv(pub)}`);
        } else if (s.deployedOrReleased === true || s.deployed === true || typeof s.environment === 'string') {
          const env = typeof s.environment === 'string' ? s.environment : undefined;
          const deployed = new Set(deployedVersions(consumer, env));
          for (const p of pubs.filter((x) => deployed.has(x.consumerVersion))) choose(p, `deployed${env ? ` to ${env}` : ''}`, `s[][e]=${seg(env ?? '')}${cv(p)}`);
        } else if (typeof s.tag === 'string') {
          const pub = latestPublication(pubs.filter((p) => existingVersion(consumer, p.consumerVersion)?.tags.has(s.tag as string)));
          choose(pub, `latest with tag '${s.tag}'`, `s[][t]=${seg(s.tag)}&s[][l]=true${cv(pub)}`);
        } else if (s.latest === true) {
          const pub = latestPublication(pubs);
          choose(pub, 'latest', `s[][l]=true${cv(pub)}`);
        }
      }
    }
    const providerTags = ((body.providerVersionTags as unknown[] | undefined) ?? []).filter((t): t is string => typeof t === 'string');
    const pv = (v: Verification) => existingVersion(provider, v.providerVersion);
    const branchCreated = (branch: string) => state.pacticipants.get(provider)?.branchesCreated.get(branch);
    const successful = (sha: string, nonWip: boolean) => state.verifications.filter((v) => v.pactSha === sha && v.provider === provider && v.success && (!nonWip || !v.wip));
    // By a version of another provider branch before this branch got its first version (a branch not yet created: any time).
    const byAnotherBranchFirst = (v: Verification, branch: string) => {
      const other = pv(v)?.branch;
      const created = branchCreated(branch);
      return other !== undefined && other !== branch && (created === undefined || v.order < created);
    };
    // Pending as the broker defines it (pact_version.rb pending_for_provider_branch?): no successful
    // verification by a version of this provider branch, nor by another branch before this one was
    // created; with provider tags instead, pending while one of the tags has none; with neither, while
    // no version of the provider verified it.
    const isPending = (sha: string): boolean => {
      const ok = successful(sha, false);
      if (providerBranch !== undefined) return !ok.some((v) => pv(v)?.branch === providerBranch || byAnotherBranchFirst(v, providerBranch));
      if (providerTags.length > 0) return providerTags.some((t) => !ok.some((v) => pv(v)?.tags.has(t)));
      return ok.length === 0;
    };
    const providerSide = providerBranch !== undefined ? `a version of ${provider} from branch '${providerBranch}'` : providerTags.length === 1 ? `a version of ${provider} with tag '${providerTags[0]}'` : `a version of ${provider} with tag ${providerTags.map((t) => `'${t}'`).join(' and ')}`;
    const READ_MORE_PENDING = 'Read more at https://docs.pact.io/go/pending';
    // verifiable_pact_messages.rb pending_reason, sent only with includePendingStatus (build_verifiable_pact_notices.rb).
    const pendingReason = (pending: boolean, wip: boolean): string =>
      pending && wip ? `This pact is in pending state for this version of ${provider} because it was included as a 'work in progress' pact. If this verification fails, it will not cause the overall build to fail. ${READ_MORE_PENDING}`
      : pending ? `This pact is in pending state for this version of ${provider} because a successful verification result for ${providerSide} has not yet been published. If this verification fails, it will not cause the overall build to fail. ${READ_MORE_PENDING}`
      : `This pact has previously been successfully verified by ${providerSide}. If this verification fails, it will fail the build. ${READ_MORE_PENDING}`;
    const canDescribeProvider = providerBranch !== undefined || providerTags.length > 0;
    interface VerifiablePact {
      shortDescription: string;
      verificationProperties: { pending?: boolean; wip?: boolean; notices: Array<{ when: string; text: string }> };
      _links: { self: { href: string; name: string } };
    }
    const pacts: VerifiablePact[] = [...chosen.values()].map(({ pub, why, meta }) => {
      const pending = isPending(pub.sha);
      const href = pactUrlWithMetadata(pub, `${meta.join('&')}${includePending ? `&p=${pending}` : ''}`);
      return {
        shortDescription: why.join(', '),
        verificationProperties: {
          ...(includePending ? { pending } : {}),
          notices: [
            { when: 'before_verification', text: `The pact at ${href} is being verified because it matches: ${why.join(', ')}` },
            ...(includePending && canDescribeProvider ? [{ when: 'before_verification', text: pendingReason(pending, false) }] : []),
          ],
        },
        _links: { self: { href, name: `Pact between ${pub.consumer} (${pub.consumerVersion}) and ${provider}` } },
      };
    });
    // WIP as the broker defines it (pacts_for_verification_repository.rb find_wip): only with
    // includePendingStatus and includeWipPactsSince, and only for a provider branch or provider tags.
    // The candidates are the heads (latest pact) of every consumer branch and consumer tag published
    // after the date; out go the pacts the selectors chose (same content), those a version of this
    // provider branch verified successfully when they were not WIP, and those another branch verified
    // successfully (not as WIP) before this branch existed. With provider tags instead of a branch,
    // the same per tag. A WIP pact is always pending.
    if (typeof body.includeWipPactsSince === 'string' && includePending && canDescribeProvider) {
      const since = Date.parse(body.includeWipPactsSince);
      const heads = new Map<string, PactPublication>();
      for (const pub of ofProvider) {
        const v = existingVersion(pub.consumer, pub.consumerVersion);
        for (const key of [v?.branch ? `b:${v.branch}` : undefined, ...[...(v?.tags ?? [])].map((t) => `t:${t}`)]) {
          if (key === undefined) continue;
          const k = `${pub.consumer}\u0000${key}`;
          const prev = heads.get(k);
          if (!prev || (existingVersion(prev.consumer, prev.consumerVersion)?.order ?? 0) <= (v?.order ?? 0)) heads.set(k, pub);
        }
      }
      const chosenShas = new Set([...chosen.values()].map((c) => c.pub.sha));
      const stillWip = (sha: string): boolean => {
        const ok = successful(sha, true);
        if (providerBranch !== undefined) return !ok.some((v) => pv(v)?.branch === providerBranch || byAnotherBranchFirst(v, providerBranch));
        return providerTags.some((t) => !ok.some((v) => pv(v)?.tags.has(t)));
      };
      const wip = new Map<string, { pub: PactPublication; heads: string[] }>();
      for (const [k, pub] of heads) {
        if (chosenShas.has(pub.sha) || Date.parse(pub.createdAt) <= since || !stillWip(pub.sha)) continue;
        const entry = wip.get(pub.sha) ?? { pub, heads: [] };
        entry.heads.push(k.split('\u0000')[1]);
        wip.set(pub.sha, entry);
      }
      for (const { pub, heads: of } of wip.values()) {
        const href = pactUrlWithMetadata(pub, 'w=true');
        const branches = of.filter((h) => h.startsWith('b:')).map((h) => `'${h.slice(2)}'`);
        const tags = of.filter((h) => h.startsWith('t:')).map((h) => `'${h.slice(2)}'`);
        const where = [
          ...(branches.length ? [`from ${branches.length === 1 ? 'branch' : 'branches'} ${branches.join(' and ')}`] : []),
          ...(tags.length ? [`tagged with ${tags.join(' and ')}`] : []),
        ].join(' and ');
        const versionText = branches.length === 1 || tags.length === 1 ? 'version' : 'versions';
        pacts.push({
          shortDescription: 'work in progress',
          verificationProperties: {
            pending: true,
            wip: true,
            notices: [
              { when: 'before_verification', text: `The pact at ${href} is being verified because it is a 'work in progress' pact (ie. it is the pact for the latest ${versionText} of ${pub.consumer} ${where} and it has not yet been successfully verified by ${providerSide} when the pact's application version was explicitly specified in the consumer version selectors). Read more at https://docs.pact.io/go/wip` },
              { when: 'before_verification', text: pendingReason(true, true) },
            ],
          },
          _links: { self: { href, name: `Pact between ${pub.consumer} (${pub.consumerVersion}) and ${provider}` } },
        });
      }
    }
    return new HttpAnswer(200, { _embedded: { pacts }, _links: { self: { href: `${base}/pacts/provider/${seg(provider)}/for-verification`, title: 'Pacts to be verified' } } });
  }

  /**
   * GET /matrix (lib/pact_broker/api/resources/matrix.rb, matrix/service.rb): selectors parsed as
   * Rack does; an unknown pacticipant or environment is a 400 with `errors`; an unknown version of a
   * known pacticipant is a 200 whose reason says so.
   */
  function matrix(rawQuery: string): HttpAnswer {
    const { arrays, scalars } = parseNestedArrays(rawQuery);
    const selectors = arrays.get('q') ?? [];
    const environment = scalars.get('environment') || undefined;
    const errors: string[] = [];
    for (const s of selectors) if (!s.pacticipant) errors.push('Please specify the pacticipant name');
    for (const s of selectors) if (s.pacticipant && !state.pacticipants.has(s.pacticipant)) errors.push(`Pacticipant ${s.pacticipant} not found`);
    if (selectors.length === 0) errors.push('Please provide 1 or more version selectors.');
    if (environment !== undefined && !state.environments.some((e) => e.name === environment)) errors.push(`Environment with name '${environment}' does not exist`);
    if (errors.length > 0) return new HttpAnswer(400, { errors });

    // Each selector resolves to versions of its pacticipant.
    const missing: string[] = [];
    const resolved = selectors.map((s) => {
      const name = s.pacticipant;
      const wanted = (v: Version) => (s.tag === undefined || v.tags.has(s.tag)) && (s.branch === undefined || v.branch === s.branch);
      let versions: string[];
      if (s.version !== undefined) versions = existingVersion(name, s.version) ? [s.version] : [];
      else if (s.latest === 'true') versions = [latestVersion(name, wanted)?.number].filter((v): v is string => v !== undefined);
      else versions = [...(state.pacticipants.get(name)?.versions.values() ?? [])].filter(wanted).map((v) => v.number);
      if (versions.length === 0) {
        const what = s.version !== undefined ? `version ${s.version}` : s.tag !== undefined ? `a version tagged ${s.tag}` : s.branch !== undefined ? `a version on branch ${s.branch}` : 'a version';
        missing.push(`No pacts or verifications have been published for ${what} of ${name}`);
      }
      return { name, versions };
    });
    const ignored = (arrays.get('ignore') ?? []).filter((s) => s.pacticipant);
    const isIgnored = (name: string, number: string) => ignored.some((s) => s.pacticipant === name && (s.version === undefined || s.version === number));

    const rows: Array<Record<string, unknown>> = [];
    const row = (pub: PactPublication, providerVersion: string | undefined) => {
      const v = [...state.verifications].reverse().find((x) => x.pactSha === pub.sha && x.provider === pub.provider && (providerVersion === undefined || x.providerVersion === providerVersion));
      const pv = providerVersion ?? v?.providerVersion;
      // decorators/matrix_decorator.rb: each side links to its pacticipant and version, the pact to itself.
      const side = (name: string, number: string) => ({
        number,
        _links: { self: { href: `${base}/pacticipants/${seg(name)}/versions/${seg(number)}` } },
      });
      rows.push({
        consumer: { name: pub.consumer, version: side(pub.consumer, pub.consumerVersion), _links: { self: { href: `${base}/pacticipants/${seg(pub.consumer)}` } } },
        provider: { name: pub.provider, version: pv ? side(pub.provider, pv) : null, _links: { self: { href: `${base}/pacticipants/${seg(pub.provider)}` } } },
        pact: { createdAt: pub.createdAt, _links: { self: { href: pactVersionUrl(pub) } } },
        verificationResult: v ? { success: v.success, verifiedAt: v.verifiedAt, _links: { self: { href: `${base}/verification-results/${v.id}` } } } : null,
        ...(isIgnored(pub.consumer, pub.consumerVersion) || (pv !== undefined && isIgnored(pub.provider, pv)) ? { ignored: true } : {}),
      });
    };
    const pubsOf = (consumer: string, cv: string, provider: string) => state.publications.filter((p) => p.consumer === consumer && p.consumerVersion === cv && p.provider === provider).slice(-1);
    if (resolved.length >= 2) {
      // Two or more selectors: the rows between the chosen versions of each integrated pair.
      for (const a of resolved) for (const b of resolved) {
        if (a === b) continue;
        for (const cv of a.versions) for (const pub of pubsOf(a.name, cv, b.name)) {
          for (const pv of b.versions) row(pub, pv);
        }
      }
    } else if (resolved.length === 1) {
      const { name, versions } = resolved[0];
      const toTag = scalars.get('tag') || undefined;
      for (const number of versions) {
        // The version as a consumer: its pacts against the providers it would meet.
        const providers = new Set(state.publications.filter((p) => p.consumer === name && p.consumerVersion === number).map((p) => p.provider));
        for (const pub of [...providers].flatMap((provider) => pubsOf(name, number, provider))) {
          if (environment !== undefined) {
            const deployed = deployedVersions(pub.provider, environment);
            if (deployed.length === 0) row(pub, '');
            for (const pv of deployed) row(pub, pv);
          } else if (toTag !== undefined) {
            const pv = latestVersion(pub.provider, (v) => v.tags.has(toTag))?.number;
            row(pub, pv ?? '');
          } else row(pub, undefined);
        }
        // The version as a provider: the pacts of the consumers it would meet.
        for (const consumer of new Set(state.publications.filter((p) => p.provider === name).map((p) => p.consumer))) {
          const pubs = state.publications.filter((p) => p.provider === name && p.consumer === consumer);
          const relevant = environment === undefined ? [latestPublication(pubs)] : pubs.filter((p) => deployedVersions(consumer, environment).includes(p.consumerVersion));
          for (const pub of relevant) if (pub) row(pub, number);
        }
      }
    }
    // success[]=true|false keeps only the rows with that verification outcome (matrix/parse_query.rb).
    const successFilter = scalars.get('success');
    const shown = successFilter === undefined || successFilter === '' ? rows : rows.filter((r) => String((r.verificationResult as { success?: boolean } | null)?.success) === successFilter);
    const counted = shown.filter((r) => r.ignored !== true);
    const success = counted.filter((r) => (r.verificationResult as { success?: boolean } | null)?.success === true).length;
    const failed = counted.filter((r) => (r.verificationResult as { success?: boolean } | null)?.success === false).length;
    const unknown = counted.length - success - failed;
    const deployable = missing.length > 0 || failed > 0 ? false : unknown > 0 ? null : true;
    // A row's versions as the broker's ResolvedSelector#description names them: the version asked for,
    // or the version of the other side the query inferred (in the environment, with the tag, latest).
    const targetTag = scalars.get('tag') || undefined;
    const specified = new Map(selectors.map((s) => [s.pacticipant, s] as const));
    const describe = (name: string, number: string | undefined): string => {
      const s = specified.get(name);
      if (s?.version !== undefined) return `version ${s.version} of ${name}`;
      if (environment !== undefined) {
        const inEnv = deployedVersions(name, environment);
        if (number === undefined) return `a version of ${name} currently in ${environment} (no version is currently recorded as deployed/released in this environment)`;
        return `${inEnv.length > 1 ? 'one of the versions' : 'the version'} of ${name} currently in ${environment} (${number})`;
      }
      if (targetTag !== undefined) return number === undefined ? `the latest version of ${name} with tag ${targetTag} (no such version exists)` : `the latest version of ${name} with tag ${targetTag} (${number})`;
      return number === undefined ? `any version of ${name}` : `version ${number} of ${name}`;
    };
    const sides = (r: Record<string, unknown>) => {
      const c = r.consumer as { name: string; version: { number: string } };
      const pr = r.provider as { name: string; version: { number: string } | null };
      return `${describe(c.name, c.version.number)} and ${describe(pr.name, pr.version?.number)}`;
    };
    // matrix/deployment_status_summary.rb: missing versions first, else each failed row, then each row never verified.
    const errorReasons =
      missing.length > 0 ? missing
      : [
          ...counted.filter((r) => (r.verificationResult as { success?: boolean } | null)?.success === false).map((r) => `The verification for the pact between ${sides(r)} failed`),
          ...counted.filter((r) => r.verificationResult === null).map((r) => `There is no verified pact between ${sides(r)}`),
        ];
    const success_ = counted.length > 0 ? 'All required verification results are published and successful' : 'There are no missing dependencies';
    // The broker joins its reasons with newlines (missing versions here with '; ', as before: one line each for the CLI).
    const reason = missing.length > 0 ? missing.join('; ') : errorReasons.length > 0 ? [...new Set(errorReasons)].join('\n') : success_;
    const ignoredCount = shown.length - counted.length;
    const notices = errorReasons.length > 0 ? [...new Set(errorReasons)].map((text) => ({ type: 'error', text })) : [{ type: 'success', text: success_ }];
    return new HttpAnswer(200, {
      summary: { deployable, reason, success, failed, unknown, ...(ignoredCount > 0 ? { ignored: ignoredCount } : {}) },
      notices: [...notices, ...(ignoredCount > 0 ? [{ type: 'info', text: `${ignoredCount} row(s) ignored` }] : [])],
      matrix: shown,
    });
  }

  /** PactFlow's provider-contract publication: the contract (base64) and its self-verification, on a provider version. */
  function publishProviderContract(provider: string, obj: Record<string, unknown>): HttpAnswer {
    const number = obj.pacticipantVersionNumber;
    const contract = obj.contract as Record<string, unknown> | undefined;
    if (typeof number !== 'string' || number === '' || !contract || typeof contract.content !== 'string' || typeof contract.specification !== 'string') {
      return new HttpAnswer(400, { title: 'Validation errors', detail: 'pacticipantVersionNumber, contract.content and contract.specification are required' });
    }
    const v = version(provider, number);
    if (typeof obj.branch === 'string') setBranch(provider, v, obj.branch);
    const tags = Array.isArray(obj.tags) ? obj.tags.filter((t): t is string => typeof t === 'string') : [];
    for (const t of tags) v.tags.add(t);
    const versionHref = `${base}/pacticipants/${seg(provider)}/versions/${seg(number)}`;
    state.providerContracts.push({
      provider,
      version: number,
      content: Buffer.from(contract.content, 'base64').toString('utf8'),
      contentType: String(contract.contentType ?? ''),
      specification: contract.specification,
      selfVerificationResults: (contract.selfVerificationResults as Record<string, unknown> | undefined) ?? null,
    });
    return new HttpAnswer(200, {
      notices: [{ text: `Provider contract for ${provider} version ${number} published`, type: 'success' }],
      _embedded: { version: { number } },
      _links: {
        'pb:pacticipant-version-tags': tags.map((t) => ({ href: `${versionHref}/tags/${seg(t)}`, name: t })),
        ...(typeof obj.branch === 'string' ? { 'pb:branch-version': { href: `${base}/pacticipants/${seg(provider)}/branches/${seg(obj.branch)}/versions/${seg(number)}`, name: number } } : {}),
      },
    });
  }

  function pactAnswer(pub: PactPublication, metadata: string | undefined): HttpAnswer {
    const content = state.pactContents.get(pub.sha) ?? {};
    const self = metadata === undefined ? pactVersionUrl(pub) : `${pactVersionUrl(pub)}/metadata/${metadata}`;
    return new HttpAnswer(200, {
      ...content,
      _links: {
        self: { href: self, title: 'Pact', name: `Pact between ${pub.consumer} (${pub.consumerVersion}) and ${pub.provider}` },
        'pb:consumer': { href: `${base}/pacticipants/${seg(pub.consumer)}`, title: 'Consumer', name: pub.consumer },
        'pb:consumer-version': { href: `${base}/pacticipants/${seg(pub.consumer)}/versions/${seg(pub.consumerVersion)}`, title: 'Consumer version', name: pub.consumerVersion },
        'pb:provider': { href: `${base}/pacticipants/${seg(pub.provider)}`, title: 'Provider', name: pub.provider },
        'pb:publish-verification-results': { href: `${self}/verification-results`, title: 'Publish verification results' },
      },
    });
  }

  function route(method: string, path: string, rawQuery: string, body: unknown): HttpAnswer {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const obj = (body ?? {}) as Record<string, unknown>;
    if (method === 'GET' && parts.length === 0) {
      const links: Record<string, unknown> = { self: { href: base, title: 'Index', templated: false } };
      for (const [rel, href, title, templated] of INDEX_RELATIONS) links[rel] = { href: base + href, title, ...(templated === undefined ? {} : { templated }) };
      if (options.pactflow) links['pf:publish-provider-contract'] = { href: `${base}/provider-contracts/provider/{provider}/publish`, title: 'Publish provider contract', templated: true };
      links.curies = [{ name: 'pb', href: `${base}/doc/{rel}?context=index`, templated: true }];
      return new HttpAnswer(200, { _links: links });
    }
    if (method === 'POST' && path === '/contracts/publish') return publishContracts(obj);
    if (options.pactflow && method === 'POST' && parts[0] === 'provider-contracts' && parts[1] === 'provider' && parts[3] === 'publish' && parts.length === 4) {
      return publishProviderContract(parts[2], obj);
    }
    if (parts[0] === 'pacts' && parts[1] === 'provider' && parts[3] === 'for-verification' && parts.length === 4) {
      if (method === 'GET') return new HttpAnswer(200, { _links: { self: { href: `${base}/pacts/provider/${seg(parts[2])}/for-verification`, title: 'Pacts to be verified' } } });
      if (method === 'POST') return pactsForVerification(parts[2], obj);
    }
    if (parts[0] === 'pacts' && parts[1] === 'provider' && parts[3] === 'consumer' && parts[5] === 'pact-version') {
      const [, , provider, , consumer, , sha] = parts;
      const pub = [...state.publications].reverse().find((p) => p.sha === sha && p.consumer === consumer && p.provider === provider);
      const rest = parts.slice(7);
      const metadata = rest[0] === 'metadata' ? rest[1] : undefined;
      const tail = metadata === undefined ? rest : rest.slice(2);
      if (!pub) return new HttpAnswer(404, {});
      if (method === 'GET' && tail.length === 0) return pactAnswer(pub, metadata);
      if (method === 'POST' && tail.length === 1 && tail[0] === 'verification-results') {
        const providerVersion = obj.providerApplicationVersion;
        if (typeof providerVersion !== 'string' || providerVersion === '' || typeof obj.success !== 'boolean') {
          return new HttpAnswer(400, { errors: { providerApplicationVersion: ['providerApplicationVersion and success are required'] } });
        }
        // resources/verifications.rb: a result posted below a WIP pact's link (metadata w=true) is a WIP verification.
        const wip = metadata !== undefined && new URLSearchParams(Buffer.from(metadata, 'base64url').toString('utf8')).get('w') === 'true';
        const v = recordVerification(pub, providerVersion, obj.success, obj, wip);
        const self = `${pactVersionUrl(pub)}/verification-results/${v.id}`;
        return new HttpAnswer(201, {
          providerName: provider,
          providerApplicationVersion: providerVersion,
          success: obj.success,
          verificationDate: v.verifiedAt,
          testResults: obj.testResults ?? [],
          _links: { self: { href: self, title: 'Verification result', name: `Verification result ${v.id} for ${pub.consumer} ${pub.consumerVersion} and ${provider}` } },
        });
      }
    }
    if (parts[0] === 'pacticipants' && parts.length === 2 && method === 'GET') {
      const p = state.pacticipants.get(parts[1]);
      if (!p) return new HttpAnswer(404, {});
      const self = `${base}/pacticipants/${seg(parts[1])}`;
      const latest = latestVersion(parts[1]);
      const embeddedVersion = latest ? { number: latest.number, _links: { self: { href: `${self}/versions/${seg(latest.number)}`, title: 'Version', name: latest.number } } } : undefined;
      return new HttpAnswer(200, {
        name: parts[1],
        displayName: parts[1],
        repositoryUrl: p.repositoryUrl ?? null,
        mainBranch: p.mainBranch ?? null,
        // The broker embeds the latest version twice: latestVersion, and the deprecated dasherized latest-version.
        ...(embeddedVersion ? { _embedded: { latestVersion: embeddedVersion, 'latest-version': { ...embeddedVersion, title: 'DEPRECATED - please use latestVersion', name: 'DEPRECATED - please use latestVersion' } } } : {}),
        _links: {
          self: { href: self },
          'pb:versions': { href: `${self}/versions` },
          'pb:branches': { href: `${self}/branches` },
          'pb:version': { href: `${self}/versions/{version}`, title: 'Get, create or delete a pacticipant version', templated: true },
          'pb:version-tag': { href: `${self}/versions/{version}/tags/{tag}`, title: `Get, create or delete a tag for a version of ${parts[1]}`, templated: true },
          'pb:branch-version': { href: `${self}/branches/{branch}/versions/{version}`, title: `Get or add/create a version for a branch of ${parts[1]}`, templated: true },
          versions: { href: `${self}/versions`, title: 'Deprecated - use pb:versions' },
        },
      });
    }
    if (parts[0] === 'pacticipants' && parts[2] === 'branches' && parts[4] === 'versions' && parts.length === 6 && method === 'PUT') {
      // 201 when the version is newly added to the branch, 200 when it already was on it (branch_version.rb).
      const [, name, , branch, , number] = parts;
      const created = existingVersion(name, number)?.branch !== branch;
      const v = version(name, number);
      setBranch(name, v, branch);
      const self = `${base}/pacticipants/${seg(name)}/branches/${seg(branch)}/versions/${seg(number)}`;
      return new HttpAnswer(created ? 201 : 200, {
        _links: {
          self: { href: self, title: 'Branch version', name: number },
          'pb:branch': { href: `${base}/pacticipants/${seg(name)}/branches/${seg(branch)}`, title: 'Branch', name: branch },
          'pb:version': { href: `${base}/pacticipants/${seg(name)}/versions/${seg(number)}`, title: 'Version', name: number },
        },
      });
    }
    if (parts[0] === 'pacticipants' && parts[2] === 'versions' && parts[4] === 'tags' && parts.length === 6 && method === 'PUT') {
      // Creates the pacticipant and version when needed; 201 for a new tag, 200 when the version already had it (tag.rb).
      const [, name, , number, , tag] = parts;
      const v = version(name, number);
      const created = !v.tags.has(tag);
      v.tags.add(tag);
      const self = `${base}/pacticipants/${seg(name)}/versions/${seg(number)}/tags/${seg(tag)}`;
      return new HttpAnswer(created ? 201 : 200, {
        name: tag,
        _links: {
          self: { href: self, title: 'Tag', name: tag },
          version: { href: `${base}/pacticipants/${seg(name)}/versions/${seg(number)}`, title: 'Version', name: number },
          pacticipant: { href: `${base}/pacticipants/${seg(name)}`, title: 'Pacticipant', name },
        },
      });
    }
    if (parts[0] === 'pacticipants' && parts[2] === 'versions' && parts.length === 4 && method === 'GET') {
      const v = existingVersion(parts[1], parts[3]);
      if (!v) return new HttpAnswer(404, {});
      const self = `${base}/pacticipants/${seg(parts[1])}/versions/${seg(parts[3])}`;
      return new HttpAnswer(200, {
        number: v.number,
        ...(v.branch ? { branch: v.branch } : {}),
        tags: [...v.tags],
        _links: {
          self: { href: self, title: 'Version', name: v.number },
          'pb:record-deployment': state.environments.map((e) => ({ name: e.name, href: `${self}/deployed-versions/environment/${e.uuid}`, title: `Record deployment to ${e.displayName}` })),
          'pb:record-release': state.environments.map((e) => ({ name: e.name, href: `${self}/released-versions/environment/${e.uuid}`, title: `Record release to ${e.displayName}` })),
        },
      });
    }
    if (parts[0] === 'pacticipants' && parts[2] === 'versions' && parts[4] === 'deployed-versions' && parts[5] === 'environment' && parts.length === 7 && method === 'POST') {
      const env = state.environments.find((e) => e.uuid === parts[6]);
      if (!env || !existingVersion(parts[1], parts[3])) return new HttpAnswer(404, {});
      const applicationInstance = typeof obj.applicationInstance === 'string' ? obj.applicationInstance : typeof obj.target === 'string' ? obj.target : undefined;
      const uuid = randomUUID();
      // A new deployment replaces the previous one of the same application instance.
      const prior = state.deployments.findIndex((d) => d.pacticipant === parts[1] && d.environment === env.name && d.applicationInstance === applicationInstance);
      if (prior >= 0) state.deployments.splice(prior, 1);
      state.deployments.push({ pacticipant: parts[1], version: parts[3], environment: env.name, applicationInstance, uuid });
      return new HttpAnswer(201, { uuid, currentlyDeployed: true, applicationInstance: applicationInstance ?? null, target: applicationInstance ?? null, _links: { self: { href: `${base}/deployed-versions/${uuid}` } } });
    }
    if (method === 'GET' && path === '/environments') {
      const self = (e: Environment) => `${base}/environments/${e.uuid}`;
      return new HttpAnswer(200, {
        _embedded: {
          environments: state.environments.map((e) => ({ uuid: e.uuid, name: e.name, displayName: e.displayName, production: e.production, ...(e.contacts ? { contacts: e.contacts } : {}), _links: { self: { href: self(e), title: 'Environment', name: e.name } } })),
        },
        _links: {
          self: { href: `${base}/environments`, title: 'Environments' },
          'pb:create': { href: `${base}/environments`, title: 'Create an environment' },
          'pb:environments': state.environments.map((e) => ({ href: self(e), title: 'Environment', name: e.name })),
        },
      });
    }
    if (method === 'GET' && path === '/matrix') return matrix(rawQuery);
    return new HttpAnswer(404, { error: `no route ${method} ${path}` });
  }

  /** The seeding route: pact's provider-state call, answered with the state set up (or 400 for a state nobody defined). */
  function providerStateCall(body: unknown): HttpAnswer {
    const { state: name, action } = (body ?? {}) as { state?: unknown; action?: unknown };
    reset();
    // No state: an empty broker, as the broker's CI has between interactions.
    if (action === 'teardown' || name === undefined || name === '') return new HttpAnswer(200, {});
    if (typeof name !== 'string') return new HttpAnswer(400, { error: 'a provider-state name must be a string' });
    if (!setUpProviderState(seed, name)) return new HttpAnswer(400, { error: `no provider state '${name}' (test-support/broker-provider-states.ts)` });
    return new HttpAnswer(200, {});
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = undefined;
      if (text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = req.method ?? 'GET';
      const rec: RecordedRequest = { method, url: req.url ?? '/', path: u.pathname, query: u.searchParams, headers: req.headers, body };
      requests.push(rec);
      let answer: HttpAnswer;
      const fault = faults.find((f) => (f.method === undefined || f.method === method) && f.path.test(u.pathname) && (f.times === undefined || f.times > 0));
      if (fault) {
        if (fault.times !== undefined) fault.times--;
        answer = new HttpAnswer(fault.status, fault.status === 401 ? { error: 'Unauthorized' } : { error: `forced ${fault.status}` });
      } else if (method === 'POST' && u.pathname === PROVIDER_STATES_PATH) {
        answer = providerStateCall(body);
      } else if (!authorised(req)) {
        answer = new HttpAnswer(401, { error: 'Unauthorized' });
      } else {
        try {
          answer = route(method, u.pathname, u.search.replace(/^\?/, ''), body);
        } catch (err) {
          answer = new HttpAnswer(500, { error: (err as Error).message });
        }
      }
      rec.status = answer.status;
      const out = JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': HAL, 'content-length': Buffer.byteLength(out) });
      res.end(out);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  base = options.baseUrl ?? url;

  return {
    url,
    requests,
    state,
    faults,
    seed,
    reset,
    requestsTo: (method, path) =>
      requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
