import { Option, type Command } from 'commander';
import { getContracts } from '../../contracts/load';
import type { ApiId } from '../../contracts/types';
import { credentialsFromEnv, ENV_APP_KEY, ENV_MASTER_SECRET, groupCredentialsFromEnv, maskSecrets } from '../../credentials';
import { PushContractsError } from '../../errors';
import { renderProbeJson, renderNotCovered } from '../../probe/output';
import { runProbe } from '../../probe/run';
import { runPassed } from '../../report/model';
import { renderSummary } from '../../report/summary';
import { writeReports } from '../../report/write';
import { CONFIG_FILE, loadRulePolicy } from '../../config/load';
import { EXIT } from '../io';
import type { CommandContext } from '../context';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

interface ProbeFlags {
  baseUrl: string;
  api: ApiId;
  endpoints?: string;
  junit?: string;
  html?: string;
  json?: string;
  allowWrites?: boolean;
  vip?: boolean;
  burst?: boolean;
  timeout: string;
  rule: string[];
  skipRule: string[];
  config?: string;
  [id: string]: unknown;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const list = (v: string | undefined): string[] => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);

/** camelCase key commander gives the option of a provider-state parameter (registration_id -> registrationId). */
const flagKey = (param: string): string => param.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** `push-contracts probe`: provoke every status a service can be made to answer, and judge each answer. */
export function register(program: Command, ctx: CommandContext): void {
  const contracts = getContracts();
  const cmd = program
    .command('probe')
    .description('craft the requests that must produce each status on every catalogued endpoint of a running service and judge every answer by the policy (safe by default: no request that could send or delete succeeds unless --allow-writes)')
    .requiredOption('--base-url <url>', 'base URL of the service under test')
    .addOption(new Option('--api <api>', 'which API the service implements').choices(Object.keys(contracts.apis)).makeOptionMandatory())
    .option('--endpoints <ids>', 'comma-separated endpoint ids to probe (default: all of the API)')
    .option('--junit <path>', 'write JUnit XML (a directory, or a file name)')
    .option('--html <file>', 'write the HTML conformance report')
    .option('--json <file>', 'write the JSON report')
    .option('--allow-writes', 'also send requests that succeed on endpoints that send, change or delete (a real push!)')
    .option('--vip', 'the app has a VIP plan: VIP-only endpoints must answer 200 rather than 403')
    .option('--burst', 'send a bounded burst beyond the advertised rate limit and expect 429 (opt-in)')
    .option('--timeout <ms>', 'per-request timeout in milliseconds', '10000')
    .option('--rule <id>', 'judge only by this policy rule or probe check; repeatable', collect, [])
    .option('--skip-rule <id>', 'do not judge by this policy rule or probe check; repeatable', collect, [])
    .option('--config <file>', `rule severities and skips (default: ${CONFIG_FILE} or the "push-contracts" key of package.json)`);
  // One option per provider-state parameter: the ids of resources that exist on the service.
  const params = [...new Set(contracts.providerStates.flatMap((s) => (s.kind === 'resource' ? s.paramNames : [])))];
  for (const p of params) cmd.option(`--${p.replace(/_/g, '-')} <id>`, `an existing ${p} on the service, for the 200 cases that need one`);
  cmd.action(async (flags: ProbeFlags) => {
    ctx.setExit(await probeCommand(ctx, flags, params));
  });
}

function writeText(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, text);
}

async function probeCommand(ctx: CommandContext, flags: ProbeFlags, params: readonly string[]): Promise<number> {
  const credentials = credentialsFromEnv(ctx.io.env);
  if (!credentials) throw new PushContractsError('PC_ERR_CREDENTIALS_MISSING', `probe needs ${ENV_APP_KEY} and ${ENV_MASTER_SECRET} in the environment`);
  let url: URL;
  try {
    url = new URL(flags.baseUrl);
  } catch {
    throw new PushContractsError('PC_ERR_USAGE', '--base-url must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PushContractsError('PC_ERR_USAGE', '--base-url must be an absolute http(s) URL');
  const timeoutMs = Number(flags.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new PushContractsError('PC_ERR_USAGE', `--timeout must be a positive integer of milliseconds, got '${flags.timeout}'`);
  const ids: Record<string, string> = {};
  for (const p of params) {
    const v = flags[flagKey(p)];
    if (typeof v === 'string' && v !== '') ids[p] = v;
  }
  const result = await runProbe({
    baseUrl: flags.baseUrl,
    api: flags.api,
    endpoints: list(flags.endpoints),
    credentials,
    groupCredentials: groupCredentialsFromEnv(ctx.io.env),
    allowWrites: flags.allowWrites === true,
    vip: flags.vip === true,
    burst: flags.burst === true,
    ids,
    timeoutMs,
    rules: loadRulePolicy({ cwd: ctx.io.cwd, command: 'probe', configPath: flags.config, only: flags.rule, skip: flags.skipRule }),
  });
  const mask = (t: string): string => maskSecrets(t, result.secrets);
  ctx.io.stdout(mask(renderSummary(result.model)));
  ctx.io.stdout(mask(renderNotCovered(result.notCovered)));
  const at = (file: string | undefined): string | undefined => file && path.resolve(ctx.io.cwd, file);
  writeReports(result.model, { junit: at(flags.junit), html: at(flags.html) }, result.secrets);
  const json = at(flags.json);
  if (json) writeText(json, mask(renderProbeJson(result)));
  return runPassed(result.model) ? EXIT.OK : EXIT.VIOLATIONS;
}
