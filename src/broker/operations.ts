import * as path from 'node:path';
import { PushContractsError } from '../errors';
import { brokerConfig, DEFAULT_TIMEOUT_MS, type BrokerConfig, type BrokerConfigOverrides, type Env } from './config';
import { gitFactsUnlessGiven, requireValue } from './git';
import { compactCopies } from './compact-copies';
import { firstProblemLine, runBrokerCli } from './pact-cli';
import { checkPactsForPublish, listPactFiles, secretsFromEnv, type PactFileSummary, type PublishOffence, type PrepublishOptions } from './prepublish';

/** Where a broker operation runs: the caller's environment and directory, injected for tests. */
export interface BrokerContext {
  readonly env: Env;
  readonly cwd: string;
  readonly broker?: BrokerConfigOverrides;
}

function resolveConfig(ctx: BrokerContext): BrokerConfig {
  return brokerConfig(ctx.env, ctx.broker);
}

function cliOptions(ctx: BrokerContext) {
  // Push credentials never go to the broker; masking them too costs nothing if the CLI echoes a pact.
  const extraSecrets = secretsFromEnv(ctx.env).map((s) => s.value);
  return { cwd: ctx.cwd, env: ctx.env, extraSecrets };
}

function rejected(what: string, config: BrokerConfig, output: string): PushContractsError {
  return new PushContractsError('PC_ERR_BROKER_REJECTED', `${what} failed at ${config.baseUrl}: ${firstProblemLine(output)}`, { url: config.baseUrl });
}

/** The build URL CI provides, so a published pact links back to the run that made it. */
function ciBuildUrl(env: Env): string | undefined {
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) {
    return `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  }
  return env.BUILD_URL || env.CI_JOB_URL || undefined;
}

export interface PublishOptions extends BrokerContext {
  /** A directory of pact files, or one pact file; relative to cwd. Default: pacts. */
  readonly pactDir?: string;
  /** Default: the commit sha of the checkout. */
  readonly consumerAppVersion?: string;
  /** Default: the checkout's branch. */
  readonly branch?: string;
  readonly tags?: readonly string[];
  readonly buildUrl?: string;
  /** Merge with a pact already published for this version instead of overwriting it. */
  readonly merge?: boolean;
  readonly check?: Omit<PrepublishOptions, 'secrets'>;
}

export type PublishResult =
  | { readonly kind: 'refused'; readonly files: readonly PactFileSummary[]; readonly offences: readonly PublishOffence[] }
  | {
      readonly kind: 'published';
      readonly files: readonly PactFileSummary[];
      readonly consumerAppVersion: string;
      readonly branch?: string;
      readonly tags: readonly string[];
      readonly buildUrl?: string;
      readonly output: string;
      readonly durationMs: number;
    };

/**
 * Checks the pacts against the policy and, only if every interaction passes, publishes them with the
 * official `pact-broker publish`. A refused publish sends nothing; the pact files are only read.
 */
export async function publishPacts(options: PublishOptions): Promise<PublishResult> {
  const config = resolveConfig(options);
  const git = await gitFactsUnlessGiven([options.consumerAppVersion, options.branch], options.cwd, options.env);
  const consumerAppVersion = requireValue(options.consumerAppVersion, git.commit, '--consumer-app-version', 'version');
  const branch = options.branch ?? git.branch;
  const tags = options.tags ?? [];
  const buildUrl = options.buildUrl ?? ciBuildUrl(options.env);
  const files = listPactFiles(path.resolve(options.cwd, options.pactDir ?? 'pacts'));
  const report = checkPactsForPublish(files, { ...options.check, secrets: secretsFromEnv(options.env) });
  if (report.offences.length > 0) return { kind: 'refused', files: report.files, offences: report.offences };

  // The checked files, not the directory: what reaches the broker is exactly what was checked (compact
  // copies of them, the same JSON in half the bytes, which the client reads one byte per system call).
  const copies = compactCopies(files);
  try {
    const args = ['publish', ...copies.files, '--consumer-app-version', consumerAppVersion];
    if (branch) args.push('--branch', branch);
    // The CLI takes one --tag with comma-separated values; a comma inside a tag cannot be expressed.
    const badTag = tags.find((t) => t.includes(',') || t.trim() === '');
    if (badTag !== undefined) throw new PushContractsError('PC_ERR_USAGE', `--tag '${badTag}' is empty or contains a comma`);
    if (tags.length > 0) args.push('--tag', tags.join(','));
    if (buildUrl) args.push('--build-url', buildUrl);
    if (options.merge) args.push('--merge');
    const run = await runBrokerCli(args, config, cliOptions(options));
    if (run.exitCode !== 0) throw rejected('publishing the pacts', config, run.output);
    return { kind: 'published', files: report.files, consumerAppVersion, branch, tags, buildUrl, output: run.output, durationMs: run.durationMs };
  } finally {
    copies.remove();
  }
}

export interface CanIDeployOptions extends BrokerContext {
  readonly pacticipant: string;
  /** Default: the commit sha of the checkout. */
  readonly version?: string;
  readonly toEnvironment?: string;
  /** Poll this many times while a verification result is still missing. */
  readonly retryWhileUnknown?: number;
  readonly retryInterval?: number;
  /** Report the verdict but never block (the CLI's "break glass"); also PACT_BROKER_CAN_I_DEPLOY_DRY_RUN=true. */
  readonly dryRun?: boolean;
}

export interface MatrixRow {
  readonly consumer: string;
  readonly consumerVersion?: string;
  readonly provider: string;
  readonly providerVersion?: string;
  /** true or false when verified; undefined when no result exists yet. */
  readonly success?: boolean;
}

export interface CanIDeployResult {
  readonly pacticipant: string;
  readonly version: string;
  readonly toEnvironment?: string;
  /** null: unknown, some verification result is missing. */
  readonly deployable: boolean | null;
  readonly reason: string;
  readonly rows: readonly MatrixRow[];
  readonly dryRun: boolean;
  readonly durationMs: number;
}

interface MatrixJson {
  summary?: { deployable?: boolean | null; reason?: string };
  matrix?: Array<{
    consumer?: { name?: string; version?: { number?: string } | null };
    provider?: { name?: string; version?: { number?: string } | null };
    verificationResult?: { success?: boolean } | null;
  }>;
}

function parseMatrix(output: string): MatrixJson | undefined {
  // With --retry-while-unknown the CLI prints progress lines before the final JSON document.
  const line = output.split('\n').reverse().find((l) => l.trim().startsWith('{'));
  if (!line) return undefined;
  try {
    return JSON.parse(line) as MatrixJson;
  } catch {
    return undefined;
  }
}

/**
 * Asks the broker's matrix, through the official `pact-broker can-i-deploy`, whether a version may be
 * deployed. Only `deployable: true` means yes; unknown (a missing verification) is a no.
 */
export async function canIDeploy(options: CanIDeployOptions): Promise<CanIDeployResult> {
  // Polling for a missing result must not run into the default time bound.
  const polling = (options.retryWhileUnknown ?? 0) * (options.retryInterval ?? 10) * 1000;
  const config = resolveConfig({ ...options, broker: { ...options.broker, timeoutMs: options.broker?.timeoutMs ?? (polling > 0 ? DEFAULT_TIMEOUT_MS + polling : undefined) } });
  const version = requireValue(options.version, (await gitFactsUnlessGiven([options.version], options.cwd, options.env)).commit, '--version', 'version');
  const args = ['can-i-deploy', '--pacticipant', options.pacticipant, '--version', version, '--output', 'json'];
  if (options.toEnvironment) args.push('--to-environment', options.toEnvironment);
  if (options.retryWhileUnknown !== undefined) args.push('--retry-while-unknown', String(options.retryWhileUnknown));
  if (options.retryInterval !== undefined) args.push('--retry-interval', String(options.retryInterval));
  const run = await runBrokerCli(args, config, cliOptions(options));
  const matrix = parseMatrix(run.output);
  if (!matrix?.summary) throw rejected('can-i-deploy', config, run.output);
  const rows: MatrixRow[] = (matrix.matrix ?? []).map((r) => ({
    consumer: r.consumer?.name ?? '?',
    consumerVersion: r.consumer?.version?.number,
    provider: r.provider?.name ?? '?',
    providerVersion: r.provider?.version?.number,
    success: r.verificationResult?.success,
  }));
  const deployable = matrix.summary.deployable === true ? true : matrix.summary.deployable === false ? false : null;
  // The broker answers an unknown version of a known pacticipant with 200 and this reason
  // (pact_broker matrix/resolved_selector.rb): a pipeline that never published it, not a verdict.
  const unknownVersion = `No pacts or verifications have been published for version ${version} of ${options.pacticipant}`;
  if (deployable !== true && (matrix.summary.reason ?? '').includes(unknownVersion)) {
    throw new PushContractsError('PC_ERR_BROKER_REJECTED', `can-i-deploy failed at ${config.baseUrl}: the broker knows no version ${version} of ${options.pacticipant} (${unknownVersion}); publish it first or check --version`, { url: config.baseUrl });
  }
  const dryRun = options.dryRun === true || options.env.PACT_BROKER_CAN_I_DEPLOY_DRY_RUN === 'true';
  return { pacticipant: options.pacticipant, version, toEnvironment: options.toEnvironment, deployable, reason: matrix.summary.reason ?? '', rows, dryRun, durationMs: run.durationMs };
}

export interface RecordDeploymentOptions extends BrokerContext {
  readonly pacticipant: string;
  /** Default: the commit sha of the checkout. */
  readonly version?: string;
  readonly environment: string;
  readonly applicationInstance?: string;
}

export interface RecordDeploymentResult {
  readonly pacticipant: string;
  readonly version: string;
  readonly environment: string;
  readonly output: string;
  readonly durationMs: number;
}

/** Tells the broker, through the official `pact-broker record-deployment`, that a version now runs in an environment. */
export async function recordDeployment(options: RecordDeploymentOptions): Promise<RecordDeploymentResult> {
  const config = resolveConfig(options);
  const version = requireValue(options.version, (await gitFactsUnlessGiven([options.version], options.cwd, options.env)).commit, '--version', 'version');
  const args = ['record-deployment', '--pacticipant', options.pacticipant, '--version', version, '--environment', options.environment];
  if (options.applicationInstance) args.push('--application-instance', options.applicationInstance);
  const run = await runBrokerCli(args, config, cliOptions(options));
  if (run.exitCode !== 0) throw rejected('record-deployment', config, run.output);
  return { pacticipant: options.pacticipant, version, environment: options.environment, output: run.output, durationMs: run.durationMs };
}
