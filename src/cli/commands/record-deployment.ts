import type { Command } from 'commander';
import { recordDeployment } from '../../broker/operations';
import { addBrokerOptions, brokerOverrides, type BrokerFlags } from '../../broker/cli-options';
import { EXIT } from '../io';
import type { CommandContext } from '../context';

interface RecordDeploymentFlags extends BrokerFlags {
  pacticipant: string;
  version?: string;
  environment: string;
  applicationInstance?: string;
}

/** `push-contracts record-deployment`: tell the broker a version now runs in an environment. */
export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('record-deployment')
    .description('record in the Pact Broker that a version was deployed to an environment')
    .requiredOption('--pacticipant <name>', 'application name in the broker')
    .option('--version <version>', 'application version (default: the git commit sha)')
    .requiredOption('--environment <env>', 'environment it was deployed to')
    .option('--application-instance <name>', 'which instance, when several of the application run in the environment');
  addBrokerOptions(cmd).action(async (flags: RecordDeploymentFlags) => {
    const { io } = ctx;
    const r = await recordDeployment({
      env: io.env,
      cwd: io.cwd,
      broker: brokerOverrides(flags),
      pacticipant: flags.pacticipant,
      version: flags.version,
      environment: flags.environment,
      applicationInstance: flags.applicationInstance,
    });
    io.stdout(`recorded deployment of ${r.pacticipant} ${r.version} to ${r.environment}\n`);
    ctx.setExit(EXIT.OK);
  });
}
