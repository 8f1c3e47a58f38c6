import type { Command } from 'commander';
import { canIDeploy } from '../../broker/operations';
import { addBrokerOptions, brokerOverrides, parseWholeNumber, type BrokerFlags } from '../../broker/cli-options';
import { EXIT } from '../io';
import type { CommandContext } from '../context';

interface CanIDeployFlags extends BrokerFlags {
  pacticipant: string;
  version?: string;
  toEnvironment?: string;
  retryWhileUnknown?: string;
  retryInterval?: string;
  dryRun?: boolean;
}

/** `push-contracts can-i-deploy`: exit 0 only when the broker says the version is deployable. */
export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('can-i-deploy')
    .description('ask the Pact Broker whether a version may be deployed (exit codes below)')
    .requiredOption('--pacticipant <name>', 'application name in the broker')
    .option('--version <version>', 'application version (default: the git commit sha)')
    .option('--to-environment <env>', 'environment to deploy to (default: check against the latest versions)')
    .option('--retry-while-unknown <n>', 'poll this many times while a verification result is missing')
    .option('--retry-interval <seconds>', 'seconds between those polls')
    .option('--dry-run', 'print the verdict but exit 0 (also PACT_BROKER_CAN_I_DEPLOY_DRY_RUN=true)');
  addBrokerOptions(cmd).action(async (flags: CanIDeployFlags) => {
    const { io } = ctx;
    const r = await canIDeploy({
      env: io.env,
      cwd: io.cwd,
      broker: brokerOverrides(flags),
      pacticipant: flags.pacticipant,
      version: flags.version,
      toEnvironment: flags.toEnvironment,
      retryWhileUnknown: flags.retryWhileUnknown === undefined ? undefined : parseWholeNumber(flags.retryWhileUnknown, '--retry-while-unknown'),
      retryInterval: flags.retryInterval === undefined ? undefined : parseWholeNumber(flags.retryInterval, '--retry-interval'),
      dryRun: flags.dryRun,
    });
    for (const row of r.rows) {
      const result = row.success === true ? 'verified' : row.success === false ? 'FAILED' : 'not verified';
      io.stdout(`  ${row.consumer} ${row.consumerVersion ?? '?'} -> ${row.provider} ${row.providerVersion ?? '(none)'}: ${result}\n`);
    }
    const target = r.toEnvironment ? ` to ${r.toEnvironment}` : '';
    const verdict = r.deployable === true ? 'can be deployed' : r.deployable === false ? 'cannot be deployed' : 'cannot be deployed yet (verification results missing)';
    const line = `${r.pacticipant} ${r.version} ${verdict}${target}: ${r.reason}\n`;
    if (r.deployable === true) io.stdout(line);
    else io.stderr(line);
    if (r.dryRun && r.deployable !== true) io.stderr('dry run: exiting 0 although the version is not deployable\n');
    ctx.setExit(r.deployable === true || r.dryRun ? EXIT.OK : EXIT.VIOLATIONS);
  });
}
