/**
 * Provider verification: replays the consumers' pacts through pact's Verifier (the Rust core, via
 * pact-core) and judges every real response against the policy. The chain is
 *   Rust verifier -> recording proxy (request filter injects credentials) -> provider
 * so pact matching and the audit see the same bytes, and credentials never reach the recording.
 */
import * as net from 'node:net';
import { rmSync } from 'node:fs';
import type { VerifierOptions as CoreVerifierOptions } from '@pact-foundation/pact-core';
import { audit, selectRules } from '../audit/audit';
import type { RulePolicy } from '../audit/policy';
import type { Exchange, Finding, InteractionRef } from '../audit/types';
import { getContracts, type Contracts } from '../contracts/load';
import {
  basicAuth, groupBasicAuth, PLACEHOLDER_CREDENTIALS, PLACEHOLDER_GROUP_CREDENTIALS, secretForms, maskSecrets, type Credentials, type GroupCredentials,
} from '../credentials';
import { PushContractsError, type ErrorCode } from '../errors';
import { caseVerdict, type ReportCase, type RunModel } from '../report/model';
import { correlate } from './correlate';
import { runNativeVerifier, startVerifierPool, type TrustStore, type VerifierPool } from './native';
import { fetchPact, filterPact, isFiltering, pactFilesIn, readPactFile, writePactCopy, pactCopiesDir, type InteractionFilter, type LoadedPact, type PactInteraction, shardPacts, subsetPact } from './pacts';
import { startRecorder, type ExchangeEvent, type RecordedEvent, type Recorder, type RecorderChannel, type StateEvent } from './recorder';
import { withEvidence } from './evidence';
import { errorsFor, parseVerifierResults, reportedOk, wasVerified, type VerifierResults } from './results';
import { readBrokerPacts, unknownProvider } from './broker-pacts';
import { pactLoadFailures } from './load-failures';

/** Where pacts come from. The broker fields go straight into pact's VerifierOptions. */
export type PactSource =
  | { readonly kind: 'dir'; readonly dir: string }
  /** Pact files or http(s) URLs of pacts. */
  | { readonly kind: 'urls'; readonly urls: readonly string[] }
  | {
      readonly kind: 'broker';
      readonly url: string;
      /** Provider name as the broker knows it (required to ask for pacts). */
      readonly provider: string;
      readonly selectors?: ReadonlyArray<Record<string, unknown>>;
      readonly enablePending?: boolean;
      readonly includeWipPactsSince?: string;
      readonly providerVersion?: string;
      readonly providerBranch?: string;
      readonly providerVersionTags?: readonly string[];
      readonly publish?: boolean;
      readonly token?: string;
      readonly username?: string;
      readonly password?: string;
      /**
       * Pacts on the broker by URL (a webhook's PACT_URL): verified as they are instead of asking the
       * broker which pacts to verify; results go to each pact's own publish link.
       */
      readonly pactUrls?: readonly string[];
    };

export interface VerifyOptions {
  readonly providerBaseUrl: string;
  readonly providerStatesSetupUrl?: string;
  readonly sources: readonly PactSource[];
  readonly filter?: InteractionFilter;
  /** Bound on each exchange with the provider (and the state setup URL). Default 10 s. */
  readonly timeoutMs?: number;
  /** Real credentials, swapped in for the pacts' placeholder Authorization; undefined leaves it as is. */
  readonly credentials?: Credentials;
  /** Real group credentials, swapped in for the pacts' placeholder group Authorization (group push, group reports). */
  readonly groupCredentials?: GroupCredentials;
  /** Which rules judge the responses and how severe their findings are (src/config builds it from push-contracts.config.json). */
  readonly rules?: RulePolicy;
  readonly contracts?: Contracts;
  /** Progress lines (masked). */
  readonly log?: (line: string) => void;
  /** The Rust verifier's own report, line by line (masked); discarded when absent. */
  readonly pactOutput?: (line: string) => void;
  /** Called as interactions are replayed (progress display). */
  readonly onProgress?: (progress: Progress) => void;
  /** Stop with exit 2 after this many provider (or state URL) timeouts or refusals in a row. Default 3; 0 never stops. */
  readonly failFastAfter?: number;
  /** Bound on the whole run: stop with exit 2 when it is exceeded. */
  readonly maxDurationMs?: number;
  /** Verify only part i of n of the interactions (1-based; contiguous, deterministic), e.g. one CI job of n. */
  readonly shard?: Shard;
  /** Interactions per verifier run (default 50): pact's verifier does more work per interaction in a larger file. */
  readonly sliceSize?: number;
  /** Verifier processes working through the slices at once (default 2). */
  readonly workers?: number;
}

export interface Shard {
  readonly index: number;
  readonly count: number;
}

export interface Progress {
  /** Interactions replayed so far. */
  readonly done: number;
  /** Interactions to replay; undefined when a broker chooses some of them during the run. */
  readonly total?: number;
  /** Cases failed so far (known once their slice is judged). */
  readonly failed: number;
  readonly elapsedMs: number;
}

/** An infrastructure problem that makes the run inconclusive (exit 2). */
export interface InfrastructureProblem {
  readonly code: ErrorCode;
  readonly message: string;
}

export interface VerifyResult {
  readonly model: RunModel;
  /** 0 conforming, 1 contract or policy violations, 2 infrastructure problem. */
  readonly exitCode: 0 | 1 | 2;
  readonly infrastructure: readonly InfrastructureProblem[];
  /** Every form of the secrets used, to mask anything the caller prints or writes. */
  readonly secrets: readonly string[];
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_FAIL_FAST_AFTER = 3;
export const DEFAULT_SLICE_SIZE = 50;
export const DEFAULT_WORKERS = 2;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../../package.json') as { version: string };

/** Reads every dir/url source, validates each pact, applies the filter. Broker sources are left to the verifier. */
export async function loadPacts(sources: readonly PactSource[], filter: InteractionFilter, timeoutMs: number): Promise<LoadedPact[]> {
  const pacts: LoadedPact[] = [];
  for (const s of sources) {
    if (s.kind === 'dir') {
      for (const f of pactFilesIn(s.dir)) pacts.push(readPactFile(f));
    } else if (s.kind === 'urls') {
      for (const u of s.urls) pacts.push(/^https?:\/\//i.test(u) ? await fetchPact(u, timeoutMs) : readPactFile(u));
    }
  }
  return pacts
    .filter((p) => !filter.consumers || filter.consumers.length === 0 || filter.consumers.includes(p.consumer))
    .map((p) => filterPact(p, filter))
    .filter((p) => p.interactions.length > 0);
}

function checkReachable(baseUrl: string, timeoutMs: number): Promise<void> {
  const u = new URL(baseUrl);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: u.hostname, port });
    const fail = (why: string): void => {
      socket.destroy();
      reject(new PushContractsError('PC_ERR_PROVIDER_UNREACHABLE', `provider ${u.origin} unreachable: ${why}`, { url: u.origin }));
    };
    socket.setTimeout(timeoutMs, () => fail(`no TCP connection within ${timeoutMs} ms`));
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
  });
}

function endpointOf(contracts: Contracts, method: string, path: string): ReportCase['endpoint'] {
  const r = contracts.resolve(method, path);
  if (r.kind === 'endpoint') return { api: r.api, id: r.endpoint.id };
  if (r.kind === 'method-not-allowed') {
    // A 405 is about the path: it counts for the endpoint that path does serve.
    const e = contracts.endpoints(r.api).find((x) => x.path === r.path && r.allowed.includes(x.method));
    return e ? { api: r.api, id: e.id } : null;
  }
  return null;
}

function refOf(i: PactInteraction): InteractionRef {
  return { consumer: i.consumer, provider: i.provider, description: i.description, providerStates: i.providerStates, id: i.id };
}

function toExchange(ref: InteractionRef, e: ExchangeEvent): Exchange | undefined {
  if (!e.response) return undefined;
  return {
    interaction: ref,
    request: { method: e.method, path: e.path, query: e.query || undefined, headers: e.requestHeaders },
    response: { status: e.response.status, headers: e.response.headers, body: e.response.body },
  };
}

function stateFailuresFor(i: PactInteraction, events: readonly RecordedEvent[]): StateEvent[] {
  const failed = events.filter((e): e is StateEvent => e.kind === 'state' && e.action === 'setup' && !e.ok && i.providerStates.includes(e.state));
  // Retries repeat the same failure; one line per state is enough.
  return [...new Map(failed.map((e) => [e.state, e])).values()];
}

/** Runs pact's Verifier; resolves with its parsed results whether verification passed or failed. */
async function runPactVerifier(opts: CoreVerifierOptions, onOutput: (line: string) => void, trustStore: TrustStore, signal?: AbortSignal): Promise<VerifierResults & { thrown?: string }> {
  const run = await runNativeVerifier(opts, onOutput, trustStore, signal);
  if (run.json !== undefined) return parseVerifierResults(run.json);
  return { ...parseVerifierResults(undefined), thrown: run.error ?? 'no result' };
}

type BrokerSource = Extract<PactSource, { kind: 'broker' }>;

/** What every step of a run shares. */
interface RunSetup {
  readonly options: VerifyOptions;
  readonly contracts: Contracts;
  readonly timeoutMs: number;
  readonly secrets: readonly string[];
  readonly mask: (text: string) => string;
  readonly pacts: readonly LoadedPact[];
  readonly broker?: BrokerSource;
}

/** Every form of every secret the run injects, to mask in anything it prints or writes. */
function secretsOf(options: VerifyOptions): string[] {
  return [options.credentials, options.groupCredentials].flatMap((c) => (c ? secretForms(c) : []));
}

/** Step 1: reads and checks everything that can be checked before a request is sent (usage errors throw). */
async function prepare(options: VerifyOptions): Promise<RunSetup> {
  const contracts = options.contracts ?? getContracts();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const filter = options.filter ?? {};
  const secrets = secretsOf(options);
  const mask = (t: string): string => maskSecrets(t, secrets);
  if (options.sources.length === 0) throw new PushContractsError('PC_ERR_USAGE', 'no pact source: give --pact-dir, --pact-url or a broker');

  const broker = options.sources.find((s): s is BrokerSource => s.kind === 'broker');
  const shard = options.shard;
  if (shard && (!Number.isInteger(shard.index) || !Number.isInteger(shard.count) || shard.index < 1 || shard.index > shard.count)) {
    throw new PushContractsError('PC_ERR_USAGE', `shard ${shard.index}/${shard.count} does not exist: give i/n with 1 <= i <= n`);
  }
  if (shard && broker) {
    // The broker's pacts are chosen by the verifier during the run, so no job could know its share beforehand.
    throw new PushContractsError('PC_ERR_USAGE', `--shard needs pacts read before the run (--pact-dir, --pact-url); ${describeSource(broker)} selects its pacts during the run`);
  }
  const loaded = await loadPacts(options.sources, filter, timeoutMs);
  const pacts = shard ? shardPacts(loaded, shard.index, shard.count) : loaded;
  if (pacts.length === 0 && !broker) {
    const where = shard && loaded.length > 0 ? ` in shard ${shard.index}/${shard.count} (${loaded.reduce((n, p) => n + p.interactions.length, 0)} interaction(s) in all)` : '';
    throw new PushContractsError('PC_ERR_USAGE', `no interaction to verify${isFiltering(filter) ? ' after filtering' : ''}${where} in ${options.sources.map(describeSource).join(', ')}`);
  }
  const carries = (header: string): boolean =>
    pacts.some((p) => p.interactions.some((i) => Object.entries(i.request.headers).some(([k, v]) => k.toLowerCase() === 'authorization' && v === header)));
  if (!options.credentials && carries(basicAuth(PLACEHOLDER_CREDENTIALS))) {
    throw new PushContractsError('PC_ERR_CREDENTIALS_MISSING', 'the pacts carry placeholder credentials and PUSH_APP_KEY / PUSH_MASTER_SECRET are not set, so every authenticated interaction would get 401');
  }
  if (!options.groupCredentials && carries(groupBasicAuth(PLACEHOLDER_GROUP_CREDENTIALS))) {
    throw new PushContractsError('PC_ERR_CREDENTIALS_MISSING', 'the pacts carry placeholder group credentials (group push, group reports) and PUSH_GROUP_KEY / PUSH_GROUP_MASTER_SECRET are not set, so every interaction that takes them would get 401');
  }
  await checkReachable(options.providerBaseUrl, timeoutMs);
  return { options, contracts, timeoutMs, secrets, mask, pacts, broker };
}

/** Swaps the pacts' placeholder Authorization for the real credentials on the way to the provider. */
function credentialFilter(credentials: Credentials | undefined, group?: GroupCredentials): ((headers: Record<string, string | string[]>) => void) | undefined {
  if (!credentials && !group) return undefined;
  const swaps = new Map<string, string>();
  if (credentials) swaps.set(basicAuth(PLACEHOLDER_CREDENTIALS), basicAuth(credentials));
  if (group) swaps.set(groupBasicAuth(PLACEHOLDER_GROUP_CREDENTIALS), groupBasicAuth(group));
  // Only the placeholders are swapped: a 401 interaction's deliberately wrong credentials stay wrong.
  return (headers) => {
    const real = typeof headers.authorization === 'string' ? swaps.get(headers.authorization) : undefined;
    if (real !== undefined) headers.authorization = real;
  };
}

/** Step 2: pact-core's options: the recorder stands in for the provider; broker options pass through. */
function verifierOptionsFor(setup: RunSetup, recorder: RecorderChannel, pactFiles: readonly string[], broker: BrokerSource | undefined): CoreVerifierOptions {
  const { timeoutMs } = setup;
  const verifierOptions: CoreVerifierOptions = {
    providerBaseUrl: recorder.url,
    providerStatesSetupUrl: recorder.stateSetupUrl,
    pactUrls: [...pactFiles],
    logLevel: 'error',
    // The recorder gives up first and says why; the verifier's own bound is only a backstop.
    timeout: timeoutMs + 5_000,
    failIfNoPactsFound: true,
  };
  if (broker) {
    // With provider and pactBrokerUrl set, pact-core adds the broker's own selection; a webhook's pact URLs must not get it.
    const byUrl = broker.pactUrls !== undefined && broker.pactUrls.length > 0;
    Object.assign(verifierOptions, byUrl ? { pactUrls: [...pactFiles, ...(broker.pactUrls ?? [])] } : {
      provider: broker.provider,
      pactBrokerUrl: broker.url,
      consumerVersionSelectors: broker.selectors as CoreVerifierOptions['consumerVersionSelectors'],
      enablePending: broker.enablePending,
      includeWipPactsSince: broker.includeWipPactsSince,
    });
    Object.assign(verifierOptions, {
      providerVersion: broker.providerVersion,
      providerVersionBranch: broker.providerBranch,
      providerVersionTags: broker.providerVersionTags ? [...broker.providerVersionTags] : undefined,
      // Present at all (even false), pact-core demands a providerVersion.
      publishVerificationResult: broker.publish === true ? true : undefined,
      pactBrokerToken: broker.token,
      pactBrokerUsername: broker.username,
      pactBrokerPassword: broker.password,
    });
  }
  // pact-core's option validation counts a present-but-undefined key as set (token vs username/password).
  const loose = verifierOptions as unknown as Record<string, unknown>;
  for (const k of Object.keys(loose)) if (loose[k] === undefined) delete loose[k];
  return verifierOptions;
}

/** One run of pact's verifier: a slice of one local pact, or whatever a broker source selects. */
interface Job {
  readonly pact?: LoadedPact;
  /** Where each interaction of the slice stands among all the run's interactions (the report's order). */
  readonly positions?: readonly number[];
  readonly broker?: BrokerSource;
}

/**
 * Disjoint slices of the local pacts, then the broker's own selection (read by the verifier itself).
 * Each pact's interactions without provider states and those with states go to separate slices of at
 * most `size`, so slices without states skip the state calls and run side by side (replayAll); the
 * report puts every case back where its interaction stands in the pact.
 */
function jobsOf(setup: RunSetup): Job[] {
  const size = Math.max(1, setup.options.sliceSize ?? DEFAULT_SLICE_SIZE);
  const jobs: Job[] = [];
  let offset = 0;
  for (const pact of setup.pacts) {
    const all = pact.interactions.map((_, k) => k);
    for (const group of [all.filter((k) => pact.interactions[k].providerStates.length === 0), all.filter((k) => pact.interactions[k].providerStates.length > 0)]) {
      for (let k = 0; k < group.length; k += size) {
        const part = group.slice(k, k + size);
        jobs.push({ pact: subsetPact(pact, part), positions: part.map((p) => offset + p) });
      }
    }
    offset += pact.interactions.length;
  }
  if (setup.broker) jobs.push({ broker: setup.broker });
  return jobs;
}

interface Replay {
  readonly job: Job;
  readonly events: readonly RecordedEvent[];
  readonly results: Awaited<ReturnType<typeof runPactVerifier>>;
  /** The run was stopped (fail fast, --max-duration) before this job's verifier finished. */
  readonly stopped: boolean;
  /** What the verifier could not record in the broker (it only logs that, and still resolves). */
  readonly publishFailures: readonly string[];
  /**
   * The broker's notices as the verifier printed them, in verification order (its JSON result keeps
   * only the last pact's notices).
   */
  readonly brokerNotices: readonly string[];
}

// pact_verifier's publish_result logs this and carries on; the run's verdict must not.
// eslint-disable-next-line no-control-regex
const PUBLISH_FAILED = /Publishing of verification results failed with an error: (.*)$/;

/**
 * Stops a run early: after `after` provider (or state URL) timeouts or refusals in a row, or when the
 * whole run exceeds its bound. The first reason wins; `onStop` kills the verifier processes.
 */
class RunControl {
  stoppedBy?: InfrastructureProblem;
  private exchangeRun = 0;
  private stateRun = 0;
  private readonly timer?: NodeJS.Timeout;
  onStop: () => void = () => undefined;

  constructor(private readonly setup: RunSetup, private readonly done: () => string) {
    const max = setup.options.maxDurationMs;
    if (max !== undefined) {
      this.timer = setTimeout(() => this.stop({ code: 'PC_ERR_MAX_DURATION', message: `verification of ${setup.options.providerBaseUrl} stopped at --max-duration ${max} ms with ${this.done()}` }), max);
    }
  }

  watch(e: RecordedEvent): void {
    const after = this.setup.options.failFastAfter ?? DEFAULT_FAIL_FAST_AFTER;
    if (after <= 0) return;
    if (e.kind === 'exchange') {
      const p = e.problem;
      if (p && (p.kind === 'timeout' || p.kind === 'unreachable')) {
        this.exchangeRun += 1;
        if (this.exchangeRun >= after) {
          this.stop({
            code: p.kind === 'timeout' ? 'PC_ERR_PROVIDER_TIMEOUT' : 'PC_ERR_PROVIDER_UNREACHABLE',
            message: `provider ${new URL(this.setup.options.providerBaseUrl).origin} gave no answer to ${after} requests in a row (last: ${p.message}); stopped with ${this.done()}`,
          });
        }
      } else if (e.response) {
        this.exchangeRun = 0;
      }
    } else if (e.problem === 'timeout' || e.problem === 'unreachable') {
      this.stateRun += 1;
      if (this.stateRun >= after) {
        this.stop({
          code: e.problem === 'timeout' ? 'PC_ERR_PROVIDER_TIMEOUT' : 'PC_ERR_PROVIDER_UNREACHABLE',
          message: `provider-state setup URL ${this.setup.options.providerStatesSetupUrl ?? ''} gave no answer to ${after} state calls in a row (last: ${e.detail ?? e.problem}); stopped with ${this.done()}`,
        });
      }
    } else if (e.state !== '') {
      this.stateRun = 0;
    }
  }

  stop(problem: InfrastructureProblem): void {
    if (this.stoppedBy) return;
    this.stoppedBy = problem;
    this.onStop();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

/** What the jobs of one run share: the recording proxy (a channel each) and the directory of pact copies. */
interface RunResources {
  readonly recorder: Recorder;
  readonly pool: VerifierPool;
  readonly copiesDir: string;
}

/** Replays one job through pact's verifier and a channel of the run's recording proxy, recording every exchange. */
async function replayJob(setup: RunSetup, job: Job, n: number, run: RunResources, control: RunControl, onEvent: (e: RecordedEvent) => void): Promise<Replay> {
  const { options, mask } = setup;
  const empty = { ...parseVerifierResults(undefined) };
  if (control.stoppedBy) return { job, events: [], results: empty, stopped: true, publishFailures: [], brokerNotices: [] };
  // One proxy for the run, a channel per job: its exchanges are its own however many run side by side.
  const recorder = run.recorder.channel((e) => {
    onEvent(e);
    control.watch(e);
  });
  // A copy fixes the order the verifier replays in, and carries only this slice's interactions.
  const copy = job.pact ? writePactCopy(run.copiesDir, job.pact, n) : undefined;
  try {
    const verifierOptions = verifierOptionsFor(setup, recorder, copy ? [copy] : [], job.broker);
    if (job.pact && !job.pact.interactions.some((i) => i.providerStates.length > 0)) {
      // Given a state URL, the verifier calls it before and after every interaction, stateless ones too.
      delete verifierOptions.providerStatesSetupUrl;
    }
    const publishFailures: string[] = [];
    const brokerNotices: string[] = [];
    const replayed = (results: Replay['results'], stopped: boolean): Replay => ({ job, events: recorder.events, results, stopped, publishFailures, brokerNotices });
    if (job.broker) {
      const onLine = (line: string): void => {
        const plain = line.replace(/\u001b\[[0-9;]*m/g, '');
        const failed = PUBLISH_FAILED.exec(plain);
        if (failed) publishFailures.push(failed[1]);
        if (plain.startsWith('The pact at ')) brokerNotices.push(plain.trim());
        options.pactOutput?.(mask(line));
      };
      // The verifier fetches the broker's pacts and publishes results itself over https: it keeps the system trust store.
      const abort = new AbortController();
      const stop = new Promise<'stopped'>((resolve) => {
        const previous = control.onStop;
        control.onStop = () => {
          previous();
          abort.abort();
          resolve('stopped');
        };
      });
      const results = await Promise.race([runPactVerifier(verifierOptions, onLine, 'system', abort.signal), stop]);
      return results === 'stopped' ? replayed(empty, true) : replayed(results, false);
    }
    // Local slices only: the pool's verifiers read local copies and talk plain HTTP to the loopback
    // recorder, so they run with an empty trust store (loading one costs ~24 ms per interaction, native.ts).
    const out = await run.pool.run(verifierOptions);
    if (out.stopped) return replayed(empty, true);
    return replayed(out.json !== undefined ? parseVerifierResults(out.json) : { ...empty, thrown: out.error ?? 'no result' }, false);
  } finally {
    recorder.close();
    if (copy) rmSync(copy, { force: true });
  }
}

/**
 * pact-core hands these variables of the environment to pact's verifier as an interaction filter
 * (pactffi_verifier_set_filter_info): the verifier then skips every other interaction without a word,
 * neither an error nor a result. Our verifier processes inherit the environment, so a run must say so.
 */
const VERIFIER_FILTER_ENV = ['PACT_DESCRIPTION', 'PACT_PROVIDER_STATE', 'PACT_PROVIDER_NO_STATE'] as const;

/** The verifier's filter variables set in this process's environment, as `NAME='value'`; undefined when none is. */
export function verifierFilterEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = VERIFIER_FILTER_ENV.filter((k) => env[k] !== undefined && env[k] !== '').map((k) => `${k}='${env[k]}'`);
  return set.length > 0 ? set.join(', ') : undefined;
}

/** The reason a case gives when the verifier's filter variables (verifierFilterEnv) made it skip the interaction. */
function filterSkipReason(filter: string): string {
  return `pact's verifier skipped it: ${filter} is set in the environment, and pact-core filters interactions by it; select interactions with --description / --state instead`;
}

/** Why no request reached the provider for an interaction and the verifier reported nothing of it. */
function notVerifiedReason(results: Replay['results'], reported: boolean): string {
  if (results.thrown !== undefined) return 'pact\'s verifier could not run its slice (see the run\'s errors)';
  const filter = verifierFilterEnv();
  if (filter !== undefined) return filterSkipReason(filter);
  if (reported) return 'pact\'s verifier reported a result for it, but no request for it reached the provider';
  return 'pact\'s verifier reported no result for it and sent no request for it';
}

/** One interaction of the pacts, judged: pact outcome, state failures, wire problems, audit findings. */
function caseOf(setup: RunSetup, { events, results, stopped }: Replay, i: PactInteraction, e: ExchangeEvent | undefined, infrastructure: InfrastructureProblem[]): ReportCase {
  const { contracts, mask, options } = setup;
  const ref = refOf(i);
  const verrs = errorsFor(results, i);
  // Filed under the verifier's pendingErrors: the failure of a pending pact, not of the run.
  const pending = verrs.length > 0 && verrs.every((v) => v.pending);
  const stateLines: string[] = [];
  for (const s of stateFailuresFor(i, events)) {
    stateLines.push(`provider state '${s.state}' setup failed: ${s.detail ?? 'unknown reason'} (${'PC_ERR_STATE_SETUP_FAILED'})`);
  }
  if (stateLines.length === 0 && verrs.some((v) => v.stateSetupFailed)) {
    stateLines.push(`provider state ${i.providerStates.map((s) => `'${s}'`).join(', ')} setup failed (PC_ERR_STATE_SETUP_FAILED)`);
  }
  // A pending pact may name a state the provider does not know yet: that is pending's very case.
  const errors: string[] = pending ? [] : [...stateLines];
  if (e?.problem) {
    errors.push(e.problem.message);
    if (e.problem.kind === 'timeout') infrastructure.push({ code: 'PC_ERR_PROVIDER_TIMEOUT', message: e.problem.message });
    if (e.problem.kind === 'unreachable') infrastructure.push({ code: 'PC_ERR_PROVIDER_UNREACHABLE', message: e.problem.message });
  }
  const exchange = e ? toExchange(ref, e) : undefined;
  const findings: Finding[] = exchange ? audit(exchange, { ...options.rules, contracts }) : [];
  const mismatches = [...(pending ? stateLines : []), ...verrs.filter((v) => !v.stateSetupFailed).flatMap((v) => v.messages)];
  let outcome: ReportCase['pact']['outcome'];
  if (stopped) {
    // Never a pass: pact matching of this interaction did not finish (or did not start).
    errors.push(e ? 'pact matching did not finish: the run stopped early (see the run\'s errors)' : 'not verified: the run stopped early (see the run\'s errors)');
    outcome = e ? 'failed' : 'not-verified';
  } else if (verrs.length > 0) {
    outcome = pending ? 'pending-failed' : 'failed';
  } else if (e !== undefined && reportedOk(results, i) === true) {
    outcome = 'passed';
  } else if (e !== undefined && reportedOk(results, i) === false) {
    // The verifier's result list says Error but it gave no error entry we could tie to it: still a failure.
    mismatches.push('pact\'s verifier reported this interaction failed without a mismatch that names it');
    outcome = 'failed';
  } else if (e !== undefined) {
    // The request went out but the verifier never judged the answer (its run ended without a result).
    errors.push(`not verified: pact's verifier sent the request but reported no result for it${results.thrown !== undefined ? ' (it could not finish; see the run\'s errors)' : ''}`);
    outcome = 'not-verified';
  } else {
    // No request reached the provider and the verifier reported no failure: nothing was verified, so
    // this can never be a pass, whatever made the verifier skip it.
    errors.push(`not verified: ${notVerifiedReason(results, wasVerified(results, i))}`);
    outcome = 'not-verified';
  }
  return withEvidence({
    ref,
    endpoint: endpointOf(contracts, i.request.method, i.request.path),
    request: { method: i.request.method, path: i.request.path, query: i.request.query || undefined },
    status: { expected: i.response.status, actual: e?.response?.status ?? null },
    pact: { outcome, mismatches: mismatches.map(mask) },
    findings: findings.map((f) => ({ ...f, message: mask(f.message) })),
    errors: errors.map(mask),
    durationMs: e?.durationMs,
  }, e, options.providerBaseUrl, options.credentials !== undefined, setup.secrets);
}

/**
 * A recorded request that is no interaction of the pacts (local, or read back from the broker by
 * their URLs): reported as such, with its audit, never given another interaction's result.
 */
function unmatchedCaseOf(setup: RunSetup, e: ExchangeEvent): ReportCase {
  const { contracts, mask, options } = setup;
  const ref: InteractionRef = { description: `${e.method} ${e.path}` };
  const exchange = toExchange(ref, e);
  return withEvidence({
    ref,
    endpoint: endpointOf(contracts, e.method, e.path),
    request: { method: e.method, path: e.path, query: e.query || undefined },
    status: { expected: null, actual: e.response?.status ?? null },
    pact: { outcome: 'not-run', mismatches: [] },
    findings: exchange ? audit(exchange, { ...options.rules, contracts }) : [],
    errors: e.problem ? [mask(e.problem.message)] : ['request matched no interaction of the pacts'],
    durationMs: e.durationMs,
  }, e, options.providerBaseUrl, options.credentials !== undefined, setup.secrets);
}

/** Problems of a verifier run as a whole: it could not run, could not load pacts from the broker, or could not publish. */
function runProblemsOf(setup: RunSetup, { results, publishFailures, job }: Replay): { runErrors: string[]; infrastructure: InfrastructureProblem[] } {
  const { mask } = setup;
  const broker = job.broker;
  const runErrors: string[] = [];
  const infrastructure: InfrastructureProblem[] = [];
  if (results.thrown !== undefined) {
    // The verifier could not run at all (bad options, broker unreachable): nothing was verified.
    const message = mask(`pact verifier could not run: ${results.thrown}`);
    runErrors.push(message);
    infrastructure.push({ code: job.broker ? 'PC_ERR_BROKER_UNREACHABLE' : 'PC_ERR_USAGE', message });
  }
  for (const why of publishFailures) {
    // Named so the reader knows what the broker lacks: can-i-deploy will not see this verification.
    const what = broker ? `provider ${broker.provider} version ${broker.providerVersion ?? '?'}${broker.providerBranch ? ` (branch ${broker.providerBranch})` : ''}` : 'the provider';
    const message = mask(`the verification results of ${what} were not recorded in the Pact Broker: ${why}`);
    runErrors.push(message);
    infrastructure.push({ code: 'PC_ERR_RESULTS_NOT_PUBLISHED', message });
  }
  for (const f of pactLoadFailures(results.errors.filter((e) => !e.pending))) {
    runErrors.push(mask(f.message));
    if (f.infrastructure) infrastructure.push({ code: f.code, message: mask(f.message) });
  }
  return { runErrors, infrastructure };
}

interface Judged {
  readonly cases: ReportCase[];
  readonly runErrors: string[];
  readonly infrastructure: InfrastructureProblem[];
}

/** Every recorded exchange and verifier result of one job becomes a case; the job's own problems are added. */
async function judge(setup: RunSetup, replayed: Replay): Promise<Judged> {
  const infrastructure: InfrastructureProblem[] = [];
  // A broker job's pacts are read back after its run (in the order the verifier verified them), so its
  // exchanges are correlated like local ones and its results by `_id`.
  const { broker } = replayed.job;
  const fromBroker = broker && !replayed.stopped ? await readBrokerPacts(broker, [...replayed.brokerNotices, ...(replayed.results.notices ?? [])], setup.timeoutMs) : { pacts: [], problems: [] };
  for (const p of fromBroker.problems) infrastructure.push({ code: 'PC_ERR_BROKER_UNREACHABLE', message: setup.mask(p) });
  // Only for an empty selection the broker served: refused credentials or an unreachable broker say so themselves.
  const loadFailures = pactLoadFailures(replayed.results.errors.filter((e) => !e.pending));
  const emptySelection = replayed.results.thrown === undefined && loadFailures.length > 0 && loadFailures.every((f) => !f.infrastructure);
  if (broker && !replayed.stopped && broker.provider !== '' && emptySelection && fromBroker.pacts.length === 0 && (broker.pactUrls ?? []).length === 0) {
    const unknown = await unknownProvider(broker, setup.timeoutMs);
    if (unknown) infrastructure.push({ code: 'PC_ERR_BROKER_REJECTED', message: setup.mask(unknown) });
  }
  const expected = [...(replayed.job.pact ? [replayed.job.pact] : []), ...fromBroker.pacts].flatMap((p) => p.interactions);
  const { matched, unmatched } = correlate(expected, replayed.events);
  const cases: ReportCase[] = [];
  let since = performance.now();
  for (const { interaction, exchange } of matched) {
    cases.push(caseOf(setup, replayed, interaction, exchange, infrastructure));
    // A slice is judged while the next one replays, and the provider may share this event loop (the
    // embedded service): the loop gets a turn after each millisecond of judging, so no response waits
    // behind a whole slice's audit (a turn after every case cost an event-loop turn per interaction).
    if (performance.now() - since >= 1) {
      await new Promise((resolve) => setImmediate(resolve));
      since = performance.now();
    }
  }
  for (const e of unmatched) cases.push(unmatchedCaseOf(setup, e));
  const run = runProblemsOf(setup, replayed);
  return { cases, runErrors: [...fromBroker.problems.map(setup.mask), ...run.runErrors], infrastructure: [...infrastructure, ...run.infrastructure] };
}

/**
 * Step 3: replays every job (disjoint slices on a pool of verifier processes, each on its own channel of
 * one recording proxy so their exchanges never mix) and judges each as it finishes; cases keep the
 * pacts' order.
 */
async function replayAll(setup: RunSetup, started: number, pool: VerifierPool): Promise<Judged> {
  const { options, mask } = setup;
  const jobs = jobsOf(setup);
  const total = setup.broker ? undefined : setup.pacts.reduce((n, p) => n + p.interactions.length, 0);
  let finishedInteractions = 0;
  let liveExchanges = 0;
  let failed = 0;
  const progress = (): void => options.onProgress?.({ done: finishedInteractions + liveExchanges, total, failed, elapsedMs: Date.now() - started });
  const doneText = (): string => `${finishedInteractions + liveExchanges}${total !== undefined ? ` of ${total}` : ''} interaction(s) replayed`;
  const control = new RunControl(setup, doneText);
  control.onStop = () => pool.stop();
  const recorder = await startRecorder({
    providerBaseUrl: options.providerBaseUrl,
    stateSetupUrl: options.providerStatesSetupUrl,
    timeoutMs: setup.timeoutMs,
    requestFilter: credentialFilter(options.credentials, options.groupCredentials),
  });
  const run: RunResources = { recorder, pool, copiesDir: pactCopiesDir() };
  options.log?.(mask(`verifying ${total ?? 'the broker\'s'} interaction(s) of ${setup.pacts.length}${setup.broker ? '+' : ''} pact(s) against ${options.providerBaseUrl}`));
  progress();
  const judged: Judged[] = [];
  const placed: Array<{ at: number; job: number; k: number; c: ReportCase }> = [];
  const replay = async (job: Job, n: number): Promise<Replay> => {
    let seen = 0;
    const replayed = await replayJob(setup, job, n, run, control, (e) => {
      if (e.kind !== 'exchange') return;
      seen += 1;
      liveExchanges += 1;
      progress();
    });
    liveExchanges -= seen;
    finishedInteractions += job.pact ? job.pact.interactions.length : seen;
    return replayed;
  };
  const judgeJob = async (job: Job, n: number, replayed: Replay): Promise<void> => {
    // Judging is CPU work in this process; yielding first lets the next slice reach its verifier, so
    // the audit of one slice runs while the next one replays instead of between them.
    await new Promise((resolve) => setImmediate(resolve));
    judged[n] = await judge(setup, replayed);
    // The first cases of a job are its slice's interactions in slice order; what follows (exchanges of no
    // interaction, a broker's pacts) comes after every local interaction, in job order.
    const positions = job.positions ?? [];
    judged[n].cases.forEach((c, k) => placed.push({ at: k < positions.length ? positions[k] : Number.MAX_SAFE_INTEGER, job: n, k, c }));
    failed += judged[n].cases.filter((c) => caseVerdict(c) === 'failed').length;
    progress();
  };
  const judging: Array<Promise<void>> = [];
  // A provider state changes the provider for every request, so a slice with states runs alone; slices
  // without states run side by side. Cases are put back in the pacts' order whatever ran first.
  const statelessJob = (j: Job): boolean => j.pact !== undefined && !j.pact.interactions.some((i) => i.providerStates.length > 0);
  // Another verifier process costs its own start (node, pact-core, the native library: 0.3-0.7 s of CPU
  // on a 2-core machine, taken from the first one's start): it is started only when every process gets
  // at least a full slice of interactions without states to replay side by side.
  const stateless = jobs.filter(statelessJob).reduce((k, j) => k + (j.pact?.interactions.length ?? 0), 0);
  pool.limit(Math.floor(stateless / Math.max(1, options.sliceSize ?? DEFAULT_SLICE_SIZE)));
  try {
    await Promise.all(jobs.map(async (job, n) => {
      if (statelessJob(job)) judging.push(judgeJob(job, n, await replay(job, n)));
    }));
    for (const [n, job] of jobs.entries()) if (!statelessJob(job)) judging.push(judgeJob(job, n, await replay(job, n)));
    await Promise.all(judging);
  } finally {
    control.dispose();
    await Promise.all([pool.close(), recorder.close()]);
    rmSync(run.copiesDir, { recursive: true, force: true });
  }
  const cases = placed.sort((a, b) => a.at - b.at || a.job - b.job || a.k - b.k).map((p) => p.c);
  const all: Judged = { cases, runErrors: judged.flatMap((j) => j.runErrors), infrastructure: judged.flatMap((j) => j.infrastructure) };
  if (control.stoppedBy) {
    // One line says why the run stopped; the cases keep their own evidence.
    return { cases: all.cases, runErrors: [mask(control.stoppedBy.message), ...all.runErrors], infrastructure: [{ ...control.stoppedBy, message: mask(control.stoppedBy.message) }] };
  }
  return all;
}

/** The exit code: infrastructure makes the verdict unreliable (2); any failure is a violation (1). */
function exitCodeOf(cases: readonly ReportCase[], runErrors: readonly string[], infrastructure: readonly InfrastructureProblem[]): 0 | 1 | 2 {
  // A pending-failed case fails nothing (the broker's pending); a not-verified one always does.
  const failed = cases.some((c) => caseVerdict(c) === 'failed') || runErrors.length > 0;
  return infrastructure.length > 0 ? 2 : failed ? 1 : 0;
}

/**
 * Verifies the pacts of `sources` against the provider and audits every response. Usage and
 * source problems (malformed pact, unknown rule id, unreachable provider before the run) throw a
 * PushContractsError; problems during the run become cases' errors and the result's exit code.
 */
export async function verifyProvider(options: VerifyOptions): Promise<VerifyResult> {
  const started = Date.now();
  const rules = selectRules(options.rules ?? {});
  // Local pacts are replayed by the pool's verifier processes, which read local copies and talk plain
  // HTTP to the loopback recorder, so they run with an empty trust store (loading one costs ~24 ms per
  // interaction, native.ts). The first process starts now: starting node and loading pact's native
  // library overlaps reading the pacts and the reachability check instead of delaying the first slice.
  // The verifier's own report may echo what the provider sent back: masked like everything else.
  const secrets = secretsOf(options);
  const pool = startVerifierPool(Math.max(1, options.workers ?? DEFAULT_WORKERS), (line) => options.pactOutput?.(maskSecrets(line, secrets)), 'empty');
  if (options.sources.some((s) => s.kind !== 'broker')) pool.prestart();
  let setup: RunSetup;
  let replayedAll: Judged;
  try {
    setup = await prepare(options);
    replayedAll = await replayAll(setup, started, pool);
  } finally {
    // replayAll closes it as soon as the last slice is replayed; this covers a run that never got there.
    await pool.close();
  }
  const { cases } = replayedAll;
  const runErrors = [...replayedAll.runErrors];
  const infrastructure = [...replayedAll.infrastructure];
  const filterEnv = verifierFilterEnv();
  const skipped = filterEnv === undefined ? 0 : cases.filter((c) => c.pact.outcome === 'not-verified' && c.errors.some((e) => e.includes(filterSkipReason(filterEnv)))).length;
  if (skipped > 0 && filterEnv !== undefined) {
    // The command line asked for these interactions; the environment made the verifier skip them unseen.
    const message = setup.mask(`pact's verifier skipped ${skipped} interaction(s) because ${filterEnv} is set in the environment; unset it and select interactions with --description / --state`);
    runErrors.push(message);
    infrastructure.push({ code: 'PC_ERR_USAGE', message });
  }
  const model: RunModel = {
    meta: {
      kind: 'verification',
      tool: { name: 'push-contracts', version },
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      providerBaseUrl: options.providerBaseUrl,
      sources: options.sources.map(describeSource),
      rules: rules.map((r) => r.id),
      ...(options.shard ? { shard: { index: options.shard.index, count: options.shard.count } } : {}),
    },
    cases,
    errors: runErrors,
  };
  return { model, exitCode: exitCodeOf(cases, runErrors, infrastructure), infrastructure, secrets: setup.secrets };
}

export function describeSource(s: PactSource): string {
  switch (s.kind) {
    case 'dir':
      return s.dir;
    case 'urls':
      return s.urls.join(', ');
    case 'broker':
      return `broker ${s.url} (provider ${s.provider})`;
    default:
      return s satisfies never;
  }
}
