import type { Command } from 'commander';
import { PushContractsError } from '../errors';
import type { PactSource } from '../verifier/verify';
import { brokerConfig, type Env } from './config';
import { gitFactsUnlessGiven } from './git';

/** The `verify` flags that fetch pacts from a Pact Broker and publish the results back. */
export interface BrokerVerifyFlags {
  provider?: string;
  brokerUrl?: string;
  consumerVersionSelector: string[];
  mainBranch?: boolean;
  matchingBranch?: boolean;
  deployedOrReleased?: boolean;
  enablePending?: boolean;
  includeWipPactsSince?: string;
  providerVersion?: string;
  providerBranch?: string;
  providerVersionTag: string[];
  publish?: boolean;
  pactUrl: string[];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addBrokerVerifyOptions(cmd: Command): Command {
  return cmd
    .option('--provider <name>', 'provider name in the Pact Broker: fetch its pacts from the broker ($PACT_BROKER_BASE_URL or --broker-url)')
    .option('--broker-url <url>', 'Pact Broker base URL (default: $PACT_BROKER_BASE_URL)')
    .option('--consumer-version-selector <json>', 'a consumer version selector as JSON, e.g. \'{"branch":"main"}\'; repeatable', collect, [])
    .option('--main-branch', 'selector: the latest pact of each consumer\'s main branch')
    .option('--matching-branch', 'selector: the latest pact of the consumer branch named like the provider branch')
    .option('--deployed-or-released', 'selector: the pacts of consumer versions deployed or released anywhere')
    .option('--enable-pending', 'failures of pacts this provider branch never verified do not fail the run')
    .option('--include-wip-pacts-since <date>', 'also verify work-in-progress pacts published since this date (with --enable-pending)')
    .option('--provider-version <version>', 'provider version for published results (default: the git commit sha)')
    .option('--provider-branch <branch>', 'provider branch for published results (default: the git branch)')
    .option('--provider-version-tag <tag>', 'provider version tag for published results; repeatable', collect, [])
    .option('--publish', 'publish the verification results to the broker');
}

/** The broker's recommended default: main branch, the matching feature branch, what runs anywhere. */
function defaultSelectors(providerBranch: string | undefined): Array<Record<string, unknown>> {
  return [{ mainBranch: true }, ...(providerBranch ? [{ matchingBranch: true }] : []), { deployedOrReleased: true }];
}

function parseSelector(raw: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new PushContractsError('PC_ERR_USAGE', `--consumer-version-selector must be a JSON object, got '${raw}'`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new PushContractsError('PC_ERR_USAGE', `--consumer-version-selector must be a JSON object, got '${raw}'`);
  }
  return v as Record<string, unknown>;
}

function isBrokerPactUrl(u: string, base: string): boolean {
  return /^https?:\/\//i.test(u) && new URL(u).origin === new URL(base).origin;
}

/**
 * The broker source the flags describe, or undefined when they name no broker. Two shapes:
 * `--provider P` asks the broker which pacts to verify (selectors, pending, WIP); `--pact-url` of a
 * pact on the broker (a webhook's PACT_URL) verifies just that pact and can still publish results.
 * Provider version and branch default from git when publishing; credentials come from the standard
 * environment only.
 */
export async function brokerSourceOf(flags: BrokerVerifyFlags, env: Env, cwd: string): Promise<PactSource | undefined> {
  const brokerFlagsUsed =
    flags.provider !== undefined || flags.brokerUrl !== undefined || flags.publish === true || flags.consumerVersionSelector.length > 0 ||
    flags.mainBranch === true || flags.matchingBranch === true || flags.deployedOrReleased === true || flags.enablePending === true ||
    flags.includeWipPactsSince !== undefined || flags.providerVersion !== undefined || flags.providerBranch !== undefined || flags.providerVersionTag.length > 0;
  // A pact URL on the configured broker needs the broker's credentials even without other broker flags.
  const envBase = flags.brokerUrl ?? env.PACT_BROKER_BASE_URL;
  const onBroker = envBase !== undefined && envBase !== '' && flags.pactUrl.some((u) => {
    try {
      return isBrokerPactUrl(u, envBase);
    } catch {
      return false;
    }
  });
  if (!brokerFlagsUsed && !onBroker) return undefined;
  const config = brokerConfig(env, { baseUrl: flags.brokerUrl });
  const webhookUrls = flags.pactUrl.filter((u) => isBrokerPactUrl(u, config.baseUrl));
  if (flags.provider === undefined && webhookUrls.length === 0) {
    throw new PushContractsError('PC_ERR_USAGE', '--provider is required to fetch pacts from the broker (or give --pact-url of a pact on the broker)');
  }
  if (flags.includeWipPactsSince !== undefined) {
    if (Number.isNaN(Date.parse(flags.includeWipPactsSince))) {
      throw new PushContractsError('PC_ERR_USAGE', `--include-wip-pacts-since must be a date (YYYY-MM-DD), got '${flags.includeWipPactsSince}'`);
    }
    if (!flags.enablePending) throw new PushContractsError('PC_ERR_USAGE', '--include-wip-pacts-since needs --enable-pending (WIP pacts are pending by definition)');
  }
  const git = await gitFactsUnlessGiven([flags.providerBranch, flags.providerVersion], cwd, env);
  const providerBranch = flags.providerBranch ?? git.branch;
  const providerVersion = flags.providerVersion ?? git.commit;
  if (flags.publish && !providerVersion) {
    throw new PushContractsError('PC_ERR_USAGE', '--provider-version is required with --publish: none given and the working directory is not a git checkout');
  }
  const selectors = [
    ...flags.consumerVersionSelector.map(parseSelector),
    ...(flags.mainBranch ? [{ mainBranch: true }] : []),
    ...(flags.matchingBranch ? [{ matchingBranch: true }] : []),
    ...(flags.deployedOrReleased ? [{ deployedOrReleased: true }] : []),
  ];
  if (selectors.some((s) => s.matchingBranch === true) && !providerBranch) {
    throw new PushContractsError('PC_ERR_USAGE', '--matching-branch needs --provider-branch: none given and the working directory is not a git checkout');
  }
  const auth = config.auth;
  return {
    kind: 'broker',
    url: config.baseUrl,
    provider: flags.provider ?? '',
    selectors: selectors.length > 0 ? selectors : defaultSelectors(providerBranch),
    enablePending: flags.enablePending,
    includeWipPactsSince: flags.includeWipPactsSince,
    providerVersion,
    providerBranch,
    providerVersionTags: flags.providerVersionTag.length > 0 ? flags.providerVersionTag : undefined,
    publish: flags.publish === true,
    token: auth.kind === 'token' ? auth.token : undefined,
    username: auth.kind === 'basic' ? auth.username : undefined,
    password: auth.kind === 'basic' ? auth.password : undefined,
    ...(webhookUrls.length > 0 ? { pactUrls: webhookUrls } : {}),
  };
}

/** The --pact-url values a broker source takes over (so they are not also fetched as plain URLs). */
export function webhookPactUrls(source: PactSource | undefined): readonly string[] {
  return source?.kind === 'broker' ? (source as { pactUrls?: readonly string[] }).pactUrls ?? [] : [];
}

/**
 * Every pact source of a `verify` run: the broker's (when broker flags are given) plus the local ones
 * given explicitly. With a broker, ./pacts is no longer the implicit default.
 */
export async function verifySources(
  flags: BrokerVerifyFlags & { pactDir?: string },
  env: Env,
  cwd: string,
  localSources: (flags: { pactDir?: string; pactUrl: string[] }, cwd: string) => PactSource[],
): Promise<PactSource[]> {
  const broker = await brokerSourceOf(flags, env, cwd);
  if (!broker) return localSources(flags, cwd);
  const taken = webhookPactUrls(broker);
  const rest = { pactDir: flags.pactDir, pactUrl: flags.pactUrl.filter((u) => !taken.includes(u)) };
  return [...(rest.pactDir !== undefined || rest.pactUrl.length > 0 ? localSources(rest, cwd) : []), broker];
}
