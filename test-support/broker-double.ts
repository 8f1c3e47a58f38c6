/**
 * A Pact Broker test double for the real clients (the Rust `pact broker` CLI and pact's Verifier).
 * It serves exactly the HAL routes those clients use (../shared/reference/pact-toolchain-facts.md
 * section 7), keeps just enough state to answer can-i-deploy honestly, and records every request so
 * tests assert what the clients really sent. Test code only: the Pact Broker cannot run here.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

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
}

interface Version {
  readonly number: string;
  branch?: string;
  readonly tags: Set<string>;
  buildUrl?: string;
  readonly order: number;
}

interface Deployment {
  readonly pacticipant: string;
  readonly version: string;
  readonly environment: string;
  readonly applicationInstance?: string;
  readonly uuid: string;
}

export interface BrokerState {
  readonly pacticipants: Map<string, { mainBranch?: string; versions: Map<string, Version> }>;
  readonly pactContents: Map<string, Record<string, unknown>>;
  readonly publications: PactPublication[];
  readonly verifications: Verification[];
  readonly deployments: Deployment[];
  readonly environments: ReadonlyArray<{ name: string; uuid: string }>;
}

export interface BrokerDouble {
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly state: BrokerState;
  readonly faults: Fault[];
  /** Requests whose method and path match, in order. */
  requestsTo(method: string, path: string | RegExp): RecordedRequest[];
  close(): Promise<void>;
}

const MAIN_BRANCH_NAMES = ['main', 'master', 'develop'];
const HAL = 'application/hal+json;charset=utf-8';

class HttpAnswer {
  constructor(readonly status: number, readonly body: unknown) {}
}

function seg(s: string): string {
  return encodeURIComponent(s);
}

export async function startBrokerDouble(options: BrokerDoubleOptions = {}): Promise<BrokerDouble> {
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const state: BrokerState = {
    pacticipants: new Map(),
    pactContents: new Map(),
    publications: [],
    verifications: [],
    deployments: [],
    environments: (options.environments ?? ['test', 'production']).map((name) => ({ name, uuid: randomUUID() })),
  };
  let base = '';
  let order = 0;
  let verificationId = 0;

  const pacticipant = (name: string) => {
    let p = state.pacticipants.get(name);
    if (!p) {
      p = { versions: new Map() };
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
    // The real broker infers the main branch from the first version on a conventional name.
    if (!p.mainBranch && MAIN_BRANCH_NAMES.includes(branch)) p.mainBranch = branch;
  };
  const existingVersion = (name: string, number: string) => state.pacticipants.get(name)?.versions.get(number);

  const pactUrl = (pub: { consumer: string; provider: string; sha: string }) =>
    `${base}/pacts/provider/${seg(pub.provider)}/consumer/${seg(pub.consumer)}/pact-version/${pub.sha}`;

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
      // Like the real broker, every interaction gets an _id that verification results refer to.
      const interactions = ((pact.interactions as Array<Record<string, unknown>> | undefined) ?? []).map((i) => {
        const { _id: _drop, ...rest } = i;
        return { _id: createHash('sha1').update(JSON.stringify(rest)).digest('hex'), ...rest };
      });
      const content = { ...pact, interactions };
      const sha = createHash('sha1').update(JSON.stringify(content)).digest('hex');
      state.pactContents.set(sha, content);
      pacticipant(provider);
      state.publications.push({ consumer: name, consumerVersion: number, provider, sha, createdAt: new Date().toISOString() });
      links.push({ href: pactUrl({ consumer: name, provider, sha }), name: `Pact between ${name} (${number}) and ${provider}`, title: 'Pact' });
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

  function pactsForVerification(provider: string, body: Record<string, unknown>): HttpAnswer {
    const selectors = (body.consumerVersionSelectors as Array<Record<string, unknown>> | undefined) ?? [{ mainBranch: true }, { deployedOrReleased: true }];
    const providerBranch = body.providerVersionBranch as string | undefined;
    const ofProvider = state.publications.filter((p) => p.provider === provider);
    const chosen = new Map<string, { pub: PactPublication; why: string[] }>();
    const choose = (pub: PactPublication | undefined, why: string) => {
      if (!pub) return;
      const entry = chosen.get(pub.sha) ?? { pub, why: [] };
      entry.why.push(why);
      chosen.set(pub.sha, entry);
    };
    for (const s of selectors) {
      const consumers = [...new Set(ofProvider.map((p) => p.consumer))].filter((c) => s.consumer === undefined || s.consumer === c);
      for (const consumer of consumers) {
        const pubs = ofProvider.filter((p) => p.consumer === consumer);
        const onBranch = (branch: string | undefined) => pubs.filter((p) => branch !== undefined && existingVersion(consumer, p.consumerVersion)?.branch === branch);
        if (s.mainBranch === true) choose(latestPublication(onBranch(state.pacticipants.get(consumer)?.mainBranch)), 'latest from the main branch');
        else if (s.matchingBranch === true) choose(latestPublication(onBranch(providerBranch)), `latest from matching branch '${providerBranch}'`);
        else if (typeof s.branch === 'string') choose(latestPublication(onBranch(s.branch)), `latest from branch '${s.branch}'`);
        else if (s.deployedOrReleased === true || s.deployed === true || typeof s.environment === 'string') {
          const env = typeof s.environment === 'string' ? s.environment : undefined;
          const deployed = new Set(deployedVersions(consumer, env));
          for (const p of pubs.filter((x) => deployed.has(x.consumerVersion))) choose(p, `deployed${env ? ` to ${env}` : ''}`);
        } else if (typeof s.tag === 'string') {
          choose(latestPublication(pubs.filter((p) => existingVersion(consumer, p.consumerVersion)?.tags.has(s.tag as string))), `latest with tag '${s.tag}'`);
        } else if (s.latest === true) choose(latestPublication(pubs), 'latest');
      }
    }
    const verifiedOnBranch = (sha: string) =>
      state.verifications.some((v) => v.pactSha === sha && v.success && (providerBranch === undefined || existingVersion(provider, v.providerVersion)?.branch === providerBranch));
    const pending = (sha: string) => body.includePendingStatus === true && !verifiedOnBranch(sha);
    interface VerifiablePact {
      shortDescription: string;
      verificationProperties: { pending: boolean; wip?: boolean; notices: Array<{ when: string; text: string }> };
      _links: { self: { href: string; name: string } };
    }
    const pacts: VerifiablePact[] = [...chosen.values()].map(({ pub, why }) => ({
      shortDescription: why.join(', '),
      verificationProperties: {
        pending: pending(pub.sha),
        notices: [{ when: 'before_verification', text: `The pact at ${pactUrl(pub)} is being verified because it matches: ${why.join(', ')}` }],
      },
      _links: { self: { href: pactUrl(pub), name: `Pact between ${pub.consumer} (${pub.consumerVersion}) and ${provider}` } },
    }));
    if (typeof body.includeWipPactsSince === 'string' && body.includePendingStatus === true) {
      const since = Date.parse(body.includeWipPactsSince);
      for (const pub of ofProvider) {
        if (chosen.has(pub.sha) || pacts.some((p) => p._links.self.href === pactUrl(pub))) continue;
        if (Date.parse(pub.createdAt) < since || verifiedOnBranch(pub.sha)) continue;
        pacts.push({
          shortDescription: 'work in progress',
          verificationProperties: { pending: true, wip: true, notices: [{ when: 'before_verification', text: 'This pact is work in progress.' }] },
          _links: { self: { href: pactUrl(pub), name: `WIP pact between ${pub.consumer} (${pub.consumerVersion}) and ${provider}` } },
        });
      }
    }
    return new HttpAnswer(200, { _embedded: { pacts }, _links: { self: { href: `${base}/pacts/provider/${seg(provider)}/for-verification` } } });
  }

  function matrix(query: URLSearchParams): HttpAnswer {
    const names = query.getAll('q[][pacticipant]');
    const versions = query.getAll('q[][version]');
    const environment = query.get('environment') ?? undefined;
    const rows: Array<Record<string, unknown>> = [];
    const missing: string[] = [];
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      const number = versions[i];
      if (!existingVersion(name, number)) {
        missing.push(`No pacts or verifications have been published for version ${number} of ${name}`);
        continue;
      }
      const row = (consumer: string, consumerVersion: string, provider: string, sha: string, providerVersion?: string) => {
        const v = [...state.verifications]
          .reverse()
          .find((x) => x.pactSha === sha && x.provider === provider && (providerVersion === undefined || x.providerVersion === providerVersion));
        const pv = providerVersion ?? v?.providerVersion;
        rows.push({
          consumer: { name: consumer, version: { number: consumerVersion } },
          provider: { name: provider, version: pv ? { number: pv } : null },
          pact: { createdAt: state.publications.find((p) => p.sha === sha)?.createdAt },
          verificationResult: v ? { success: v.success, verifiedAt: v.verifiedAt, _links: { self: { href: `${base}/verification-results/${v.id}` } } } : null,
        });
      };
      // The version as a consumer: its pacts against the providers it would meet.
      for (const pub of state.publications.filter((p) => p.consumer === name && p.consumerVersion === number)) {
        if (environment === undefined) row(name, number, pub.provider, pub.sha);
        else {
          const deployed = deployedVersions(pub.provider, environment);
          if (deployed.length === 0) row(name, number, pub.provider, pub.sha, '');
          for (const pv of deployed) row(name, number, pub.provider, pub.sha, pv);
        }
      }
      // The version as a provider: the pacts of the consumers it would meet.
      for (const consumer of new Set(state.publications.filter((p) => p.provider === name).map((p) => p.consumer))) {
        const pubs = state.publications.filter((p) => p.provider === name && p.consumer === consumer);
        const relevant = environment === undefined ? [latestPublication(pubs)] : pubs.filter((p) => deployedVersions(consumer, environment).includes(p.consumerVersion));
        for (const pub of relevant) if (pub) row(consumer, pub.consumerVersion, name, pub.sha, number);
      }
    }
    const success = rows.filter((r) => (r.verificationResult as { success?: boolean } | null)?.success === true).length;
    const failed = rows.filter((r) => (r.verificationResult as { success?: boolean } | null)?.success === false).length;
    const unknown = rows.length - success - failed;
    const deployable = missing.length > 0 || failed > 0 ? false : unknown > 0 ? null : true;
    const reason =
      missing.length > 0 ? missing.join('; ')
      : failed > 0 ? 'One or more verifications failed'
      : unknown > 0 ? 'There is no verified pact between the versions'
      : rows.length > 0 ? 'All required verification results are published and successful'
      : 'There are no missing dependencies';
    return new HttpAnswer(200, {
      summary: { deployable, reason, success, failed, unknown },
      notices: [{ type: deployable ? 'success' : 'error', text: reason }],
      matrix: rows,
    });
  }

  function route(method: string, path: string, query: URLSearchParams, body: unknown): HttpAnswer {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const obj = (body ?? {}) as Record<string, unknown>;
    if (method === 'GET' && parts.length === 0) {
      return new HttpAnswer(200, {
        _links: {
          self: { href: `${base}/`, title: 'Index' },
          'pb:publish-contracts': { href: `${base}/contracts/publish`, title: 'Publish contracts' },
          'pb:provider-pacts-for-verification': { href: `${base}/pacts/provider/{provider}/for-verification`, templated: true },
          'pb:pacticipant': { href: `${base}/pacticipants/{pacticipant}`, templated: true },
          'pb:pacticipant-version': { href: `${base}/pacticipants/{pacticipant}/versions/{version}`, templated: true },
          'pb:environments': { href: `${base}/environments` },
          'pb:environment': { href: `${base}/environments/{uuid}`, templated: true },
        },
      });
    }
    if (method === 'POST' && path === '/contracts/publish') return publishContracts(obj);
    if (parts[0] === 'pacts' && parts[1] === 'provider' && parts[3] === 'for-verification' && parts.length === 4) {
      if (method === 'GET') return new HttpAnswer(200, { _links: { self: { href: `${base}/pacts/provider/${seg(parts[2])}/for-verification` } } });
      if (method === 'POST') return pactsForVerification(parts[2], obj);
    }
    if (parts[0] === 'pacts' && parts[1] === 'provider' && parts[3] === 'consumer' && parts[5] === 'pact-version') {
      const [, , provider, , consumer, , sha] = parts;
      const content = state.pactContents.get(sha);
      if (!content) return new HttpAnswer(404, {});
      const self = pactUrl({ consumer, provider, sha });
      if (method === 'GET' && parts.length === 7) {
        return new HttpAnswer(200, {
          ...content,
          _links: {
            self: { href: self },
            'pb:publish-verification-results': { href: `${self}/verification-results`, title: 'Publish verification results' },
            'pb:provider': { href: `${base}/pacticipants/${seg(provider)}`, name: provider },
            'pb:consumer': { href: `${base}/pacticipants/${seg(consumer)}`, name: consumer },
          },
        });
      }
      if (method === 'POST' && parts[7] === 'verification-results') {
        const providerVersion = obj.providerApplicationVersion;
        if (typeof providerVersion !== 'string' || typeof obj.success !== 'boolean') {
          return new HttpAnswer(400, { errors: { providerApplicationVersion: ['providerApplicationVersion and success are required'] } });
        }
        version(provider, providerVersion);
        const id = ++verificationId;
        state.verifications.push({ consumer, provider, pactSha: sha, providerVersion, success: obj.success, body: obj, verifiedAt: new Date().toISOString(), id });
        return new HttpAnswer(201, { providerName: provider, providerApplicationVersion: providerVersion, success: obj.success, _links: { self: { href: `${base}/verification-results/${id}` } } });
      }
    }
    if (parts[0] === 'pacticipants' && parts.length === 2 && method === 'GET') {
      const p = state.pacticipants.get(parts[1]);
      if (!p) return new HttpAnswer(404, {});
      const self = `${base}/pacticipants/${seg(parts[1])}`;
      return new HttpAnswer(200, {
        name: parts[1],
        mainBranch: p.mainBranch ?? null,
        _links: {
          self: { href: self },
          'pb:version': { href: `${self}/versions/{version}`, templated: true },
          'pb:version-tag': { href: `${self}/versions/{version}/tags/{tag}`, templated: true },
          'pb:branch-version': { href: `${self}/branches/{branch}/versions/{version}`, templated: true },
        },
      });
    }
    if (parts[0] === 'pacticipants' && parts[2] === 'branches' && parts[4] === 'versions' && parts.length === 6 && method === 'PUT') {
      setBranch(parts[1], version(parts[1], parts[5]), parts[3]);
      return new HttpAnswer(200, { name: parts[3] });
    }
    if (parts[0] === 'pacticipants' && parts[2] === 'versions' && parts[4] === 'tags' && parts.length === 6 && method === 'PUT') {
      version(parts[1], parts[3]).tags.add(parts[5]);
      return new HttpAnswer(201, { name: parts[5] });
    }
    if (parts[0] === 'pacticipants' && parts[2] === 'versions' && parts.length === 4 && method === 'GET') {
      const v = existingVersion(parts[1], parts[3]);
      if (!v) return new HttpAnswer(404, {});
      const self = `${base}/pacticipants/${seg(parts[1])}/versions/${seg(parts[3])}`;
      return new HttpAnswer(200, {
        number: v.number,
        branch: v.branch,
        tags: [...v.tags],
        _links: {
          self: { href: self },
          'pb:record-deployment': state.environments.map((e) => ({ name: e.name, href: `${self}/deployed-versions/environment/${e.uuid}`, title: `Record deployment to ${e.name}` })),
        },
      });
    }
    if (parts[0] === 'pacticipants' && parts[2] === 'versions' && parts[4] === 'deployed-versions' && parts[5] === 'environment' && parts.length === 7 && method === 'POST') {
      const env = state.environments.find((e) => e.uuid === parts[6]);
      if (!env || !existingVersion(parts[1], parts[3])) return new HttpAnswer(404, {});
      const applicationInstance = typeof obj.applicationInstance === 'string' ? obj.applicationInstance : undefined;
      const uuid = randomUUID();
      // A new deployment replaces the previous one of the same application instance.
      const prior = state.deployments.findIndex((d) => d.pacticipant === parts[1] && d.environment === env.name && d.applicationInstance === applicationInstance);
      if (prior >= 0) state.deployments.splice(prior, 1);
      state.deployments.push({ pacticipant: parts[1], version: parts[3], environment: env.name, applicationInstance, uuid });
      return new HttpAnswer(201, { uuid, currentlyDeployed: true, applicationInstance: applicationInstance ?? null, target: applicationInstance ?? null, _links: { self: { href: `${base}/deployed-versions/${uuid}` } } });
    }
    if (method === 'GET' && path === '/environments') {
      return new HttpAnswer(200, { _embedded: { environments: state.environments.map((e) => ({ uuid: e.uuid, name: e.name, _links: { self: { href: `${base}/environments/${e.uuid}` } } })) } });
    }
    if (method === 'GET' && path === '/matrix') return matrix(query);
    return new HttpAnswer(404, { error: `no route ${method} ${path}` });
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
      const u = new URL(req.url ?? '/', base);
      const method = req.method ?? 'GET';
      const rec: RecordedRequest = { method, url: req.url ?? '/', path: u.pathname, query: u.searchParams, headers: req.headers, body };
      requests.push(rec);
      let answer: HttpAnswer;
      const fault = faults.find((f) => (f.method === undefined || f.method === method) && f.path.test(u.pathname) && (f.times === undefined || f.times > 0));
      if (fault) {
        if (fault.times !== undefined) fault.times--;
        answer = new HttpAnswer(fault.status, fault.status === 401 ? { error: 'Unauthorized' } : { error: `forced ${fault.status}` });
      } else if (!authorised(req)) {
        answer = new HttpAnswer(401, { error: 'Unauthorized' });
      } else {
        try {
          answer = route(method, u.pathname, u.searchParams, body);
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
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    requests,
    state,
    faults,
    requestsTo: (method, path) =>
      requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
