import * as path from 'node:path';
import type { Command } from 'commander';
import { PushContractsError } from '../../errors';
import { runVerification } from '../run-verification';
import type { PactSource, Shard } from '../../verifier/verify';
import { DEFAULT_TIMEOUT_MS } from '../../verifier/verify';
import type { RulePolicy } from '../../audit/policy';
import { CONFIG_FILE, loadRulePolicy } from '../../config/load';
import type { CommandContext } from '../context';
import { addBrokerVerifyOptions, verifySources, type BrokerVerifyFlags } from '../../broker/verify-source';

export interface VerifyFlags extends BrokerVerifyFlags {
  providerBaseUrl?: string;
  providerStatesSetupUrl?: string;
  pactDir?: string;
  pactUrl: string[];
  junit?: string;
  html?: string;
  json?: string;
  timeout?: string;
  consumer: string[];
  description?: string;
  state?: string;
  rule: string[];
  skipRule: string[];
  config?: string;
  pactOutput?: boolean;
  maxDuration?: string;
  shard?: string;
  quiet?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function parseTimeout(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_TIMEOUT_MS;
  if (!/^[1-9][0-9]*$/.test(raw)) throw new PushContractsError('PC_ERR_USAGE', `--timeout must be a positive number of milliseconds, got '${raw}'`);
  return Number(raw);
}

function parseMaxDuration(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(raw)) throw new PushContractsError('PC_ERR_USAGE', `--max-duration must be a positive number of milliseconds, got '${raw}'`);
  return Number(raw);
}

/** `--shard i/n`: part i (1-based) of n. */
export function parseShard(raw: string | undefined): Shard | undefined {
  if (raw === undefined) return undefined;
  const m = /^([1-9][0-9]*)\/([1-9][0-9]*)$/.exec(raw);
  if (!m || Number(m[1]) > Number(m[2])) throw new PushContractsError('PC_ERR_USAGE', `--shard must be i/n with 1 <= i <= n (e.g. 2/4), got '${raw}'`);
  return { index: Number(m[1]), count: Number(m[2]) };
}

function parseUrl(flag: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new PushContractsError('PC_ERR_USAGE', `${flag} must be an http(s) URL, got '${raw}'`);
  }
  return raw;
}

/** The pact sources of the flags; with none given, ./pacts (where the consumer suites write). */
export function sourcesOf(flags: Pick<VerifyFlags, 'pactDir' | 'pactUrl'>, cwd: string): PactSource[] {
  const sources: PactSource[] = [];
  if (flags.pactDir) sources.push({ kind: 'dir', dir: path.resolve(cwd, flags.pactDir) });
  if (flags.pactUrl.length > 0) sources.push({ kind: 'urls', urls: flags.pactUrl.map((u) => (/^https?:\/\//i.test(u) ? u : path.resolve(cwd, u))) });
  if (sources.length === 0) sources.push({ kind: 'dir', dir: path.resolve(cwd, 'pacts') });
  return sources;
}

/**
 * `push-contracts verify`: replays the pacts against the provider (or the embedded reference service)
 * through pact's Verifier, audits every response against the policy, writes the reports.
 */
export function register(program: Command, ctx: CommandContext): void {
  addBrokerVerifyOptions(program.command('verify'))
    .description('replay the consumers\' pacts against a provider and audit every response against the status-code policy')
    .option('--provider-base-url <url>', 'provider to verify (default: start the embedded reference service with provider states)')
    .option('--provider-states-setup-url <url>', 'where the provider sets up provider states (POST {state, params, action})')
    .option('--pact-dir <dir>', 'directory of pact files (default: ./pacts when no other source is given)')
    .option('--pact-url <url...>', 'pact file paths or http(s) URLs (several, or the flag repeated)', [])
    .option('--junit <file|dir>', 'JUnit XML, one file per consumer (dir/<consumer>.xml, or name.<consumer>.xml)')
    .option('--html <file>', 'HTML conformance matrix (endpoint x status)')
    .option('--json <file>', 'JSON with every case and finding')
    .option('--timeout <ms>', `bound on each exchange with the provider (default ${DEFAULT_TIMEOUT_MS})`)
    .option('--consumer <name>', 'only pacts of this consumer; repeatable', collect, [])
    .option('--description <text>', 'only interactions whose description contains this (or matches /regex/)')
    .option('--state <text>', 'only interactions with a provider state containing this (or matching /regex/)')
    .option('--rule <id>', 'run only this policy rule; repeatable', collect, [])
    .option('--skip-rule <id>', 'do not run this policy rule; repeatable', collect, [])
    .option('--config <file>', `rule severities and skips (default: ${CONFIG_FILE} or the "push-contracts" key of package.json)`)
    .option('--pact-output', 'also print the Rust verifier\'s own report (masked) to stderr')
    .option('--max-duration <ms>', 'stop the whole run (exit 2) when it takes longer than this')
    .option('--shard <i/n>', 'verify only part i of n of the interactions (deterministic split for parallel CI jobs; combine with merge-reports)')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (flags: VerifyFlags) => {
      let timeoutMs: number;
      let providerBaseUrl: string | undefined;
      let providerStatesSetupUrl: string | undefined;
      let maxDurationMs: number | undefined;
      let shard: Shard | undefined;
      let rules: RulePolicy;
      try {
        rules = loadRulePolicy({ cwd: ctx.io.cwd, command: 'verify', configPath: flags.config, only: flags.rule, skip: flags.skipRule });
        timeoutMs = parseTimeout(flags.timeout);
        maxDurationMs = parseMaxDuration(flags.maxDuration);
        shard = parseShard(flags.shard);
        providerBaseUrl = parseUrl('--provider-base-url', flags.providerBaseUrl);
        providerStatesSetupUrl = parseUrl('--provider-states-setup-url', flags.providerStatesSetupUrl);
        if (providerStatesSetupUrl && !providerBaseUrl) {
          throw new PushContractsError('PC_ERR_USAGE', '--provider-states-setup-url needs --provider-base-url (the embedded service sets up its own states)');
        }
      } catch (err) {
        const e = err as PushContractsError;
        ctx.io.stderr(`push-contracts: ${e.code}: ${e.message}\n`);
        ctx.setExit(e.exitCode);
        return;
      }
      const { exitCode } = await runVerification({
        providerBaseUrl,
        providerStatesSetupUrl,
        sources: await verifySources(flags, ctx.io.env, ctx.io.cwd, sourcesOf),
        filter: { consumers: flags.consumer, description: flags.description, state: flags.state },
        timeoutMs,
        rules,
        reports: {
          junit: flags.junit && path.resolve(ctx.io.cwd, flags.junit),
          html: flags.html && path.resolve(ctx.io.cwd, flags.html),
          json: flags.json && path.resolve(ctx.io.cwd, flags.json),
        },
        pactOutput: flags.pactOutput ? (line) => ctx.io.stderr(line + '\n') : undefined,
        env: ctx.io.env,
        stdout: ctx.io.stdout,
        stderr: ctx.io.stderr,
        stderrIsTTY: ctx.io.stderrIsTTY,
        quiet: flags.quiet,
        maxDurationMs,
        shard,
      });
      ctx.setExit(exitCode);
    });
}
