import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { PushContractsError } from '../../errors';
import { mergeRuns, runFromJson } from '../../report/merge';
import { runPassed } from '../../report/model';
import { renderSummary } from '../../report/summary';
import { writeReports } from '../../report/write';
import { EXIT } from '../io';
import type { CommandContext } from '../context';

interface MergeFlags {
  junit?: string;
  html?: string;
  json?: string;
}

/**
 * `push-contracts merge-reports`: the JSON reports of every shard of a verification (`verify --shard
 * i/n`, one per CI job) become the JUnit, HTML and JSON reports one unsharded run would have written.
 */
export function register(program: Command, ctx: CommandContext): void {
  program
    .command('merge-reports')
    .description('combine the JSON reports of every shard of a verification (verify --shard i/n) into one run\'s JUnit, HTML and JSON')
    .argument('<json...>', 'the JSON report of each shard (verify --json), in any order')
    .option('--junit <file|dir>', 'JUnit XML, one file per consumer')
    .option('--html <file>', 'HTML conformance matrix')
    .option('--json <file>', 'JSON with every case and finding')
    .action((files: string[], flags: MergeFlags) => {
      const { io } = ctx;
      const runs = files.map((f) => {
        const file = path.resolve(io.cwd, f);
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (err) {
          throw new PushContractsError('PC_ERR_USAGE', `shard report ${file} cannot be read: ${(err as Error).message}`, { file });
        }
        return { model: runFromJson(text, file), source: file };
      });
      const model = mergeRuns(runs);
      const at = (p: string | undefined): string | undefined => p && path.resolve(io.cwd, p);
      const written = writeReports(model, { junit: at(flags.junit), html: at(flags.html), json: at(flags.json) });
      io.stdout(renderSummary(model));
      const paths = [...written.junit, written.html, written.json].filter((p): p is string => p !== undefined);
      if (paths.length > 0) io.stdout(`reports:\n${paths.map((p) => `  ${p}\n`).join('')}`);
      ctx.setExit(runPassed(model) ? EXIT.OK : EXIT.VIOLATIONS);
    });
}
