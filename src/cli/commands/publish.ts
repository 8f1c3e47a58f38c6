import type { Command } from 'commander';
import { PushContractsError } from '../../errors';
import { publishPacts } from '../../broker/operations';
import { renderOffence } from '../../broker/prepublish';
import { addBrokerOptions, brokerOverrides, collect, type BrokerFlags } from '../../broker/cli-options';
import { CONFIG_FILE, loadRulePolicy } from '../../config/load';
import { EXIT } from '../io';
import type { CommandContext } from '../context';

interface PublishFlags extends BrokerFlags {
  pactDir: string;
  consumerAppVersion?: string;
  branch?: string;
  tag: string[];
  buildUrl?: string;
  merge?: boolean;
  skipRule: string[];
  config?: string;
}

/** `push-contracts publish`: the pre-publish policy check, then `pact-broker publish`. */
export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('publish')
    .description('check pact files against the status policy and for secrets, then publish them to the Pact Broker')
    .option('--pact-dir <dir>', 'directory of pact files, or one pact file', 'pacts')
    .option('--consumer-app-version <version>', 'consumer version (default: the git commit sha)')
    .option('--branch <branch>', 'consumer branch (default: the git branch)')
    .option('--tag <tag>', 'consumer version tag; repeatable', collect, [])
    .option('--build-url <url>', 'URL of the CI run that made the pacts (default: from GitHub Actions variables)')
    .option('--merge', 'merge with a pact already published for this version instead of replacing it')
    .option('--skip-rule <id>', 'do not apply this policy rule in the pre-publish check; repeatable', collect, [])
    .option('--config <file>', `rule severities and skips (default: ${CONFIG_FILE} or the "push-contracts" key of package.json)`);
  addBrokerOptions(cmd).action(async (flags: PublishFlags) => {
    const { io } = ctx;
    const result = await publishPacts({
      env: io.env,
      cwd: io.cwd,
      broker: brokerOverrides(flags),
      pactDir: flags.pactDir,
      consumerAppVersion: flags.consumerAppVersion,
      branch: flags.branch,
      tags: flags.tag,
      buildUrl: flags.buildUrl,
      merge: flags.merge,
      check: { audit: loadRulePolicy({ cwd: io.cwd, command: 'publish', configPath: flags.config, skip: flags.skipRule }) },
    });
    if (result.kind === 'refused') {
      for (const o of result.offences) io.stderr(renderOffence(o) + '\n');
      const files = new Set(result.offences.map((o) => o.file)).size;
      throw new PushContractsError(
        'PC_ERR_PUBLISH_REFUSED',
        `${result.offences.length} interaction${result.offences.length === 1 ? '' : 's'} in ${files} pact file${files === 1 ? '' : 's'} break the policy or carry a secret; nothing was published`,
      );
    }
    if (result.output.trim()) io.stdout(result.output.trimEnd() + '\n');
    const pacts = result.files.map((f) => `${f.consumer} -> ${f.provider} (${f.interactions} interactions)`).join(', ');
    const where = [result.branch && `branch ${result.branch}`, result.tags.length > 0 && `tags ${result.tags.join(', ')}`].filter(Boolean).join(', ');
    io.stdout(`published ${pacts} as consumer version ${result.consumerAppVersion}${where ? ` (${where})` : ''}\n`);
    ctx.setExit(EXIT.OK);
  });
}
