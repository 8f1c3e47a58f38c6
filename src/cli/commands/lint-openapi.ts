import { Option, type Command } from 'commander';
import * as path from 'node:path';
import type { RulePolicy } from '../../audit/policy';
import { CONFIG_FILE, loadRulePolicy } from '../../config/load';
import { getContracts } from '../../contracts/load';
import type { ApiId } from '../../contracts/types';
import { lintOpenApi, lintRunModel, readOpenApiFile, renderLintSummary } from '../../openapi/lint';
import { runPassed } from '../../report/model';
import { writeReports } from '../../report/write';
import { EXIT } from '../io';
import type { CommandContext } from '../context';

interface LintFlags {
  api?: ApiId;
  junit?: string;
  html?: string;
  json?: string;
  rule: string[];
  skipRule: string[];
  config?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../../../package.json') as { version: string };

/** `push-contracts lint-openapi FILE`: the policy applied statically to a provider's own OpenAPI document. */
export function register(program: Command, ctx: CommandContext): void {
  const contracts = getContracts();
  program
    .command('lint-openapi')
    .description('apply the status-code policy to an OpenAPI 3.0/3.1 document (JSON or YAML): statuses, success and error schemas, examples, Allow; same findings, reports and exit codes as verify')
    .argument('<file>', 'the OpenAPI document')
    .addOption(new Option('--api <api>', 'the API the document describes (default: the one its paths belong to)').choices(Object.keys(contracts.apis)))
    .option('--junit <file|dir>', 'JUnit XML (dir/lint.xml, or a file name)')
    .option('--html <file>', 'HTML report')
    .option('--json <file>', 'JSON with every operation and finding')
    .option('--rule <id>', 'run only this lint rule; repeatable', collect, [])
    .option('--skip-rule <id>', 'do not run this lint rule; repeatable', collect, [])
    .option('--config <file>', `rule severities and skips (default: ${CONFIG_FILE} or the "push-contracts" key of package.json)`)
    .action((file: string, flags: LintFlags) => {
      const started = new Date();
      const rules: RulePolicy = loadRulePolicy({ cwd: ctx.io.cwd, command: 'lint', configPath: flags.config, only: flags.rule, skip: flags.skipRule });
      const at = (f: string | undefined): string | undefined => f && path.resolve(ctx.io.cwd, f);
      const source = path.resolve(ctx.io.cwd, file);
      const result = lintOpenApi(readOpenApiFile(source), { ...rules, api: flags.api, contracts });
      const model = lintRunModel(result, file, started, Date.now() - started.getTime(), version);
      ctx.io.stdout(renderLintSummary(model));
      writeReports(model, { junit: at(flags.junit), html: at(flags.html), json: at(flags.json) }, [], contracts);
      ctx.setExit(runPassed(model) ? EXIT.OK : EXIT.VIOLATIONS);
    });
}
