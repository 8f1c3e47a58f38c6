import type { Command } from 'commander';
import { Contracts } from '../../contracts/load';
import { checkConsistency, renderProblem } from '../../contracts/check';
import { EXIT, type CliIO } from '../io';
import type { CommandContext } from '../context';

/** `push-contracts contracts check|catalogue`: the consistency check and a readable table of the data. */
export function register(program: Command, ctx: CommandContext): void {
  const group = program.command('contracts').description('check or print the policy data in contracts/');
  group
    .command('check')
    .description('cross-check contracts/: codes map to catalogued statuses, every status has a schema and a cause, examples validate, no orphan schema')
    .option('--dir <dir>', 'contracts directory to check (default: the package\'s own)')
    .action((opts: { dir?: string }) => {
      ctx.setExit(runCheck(ctx.io, opts.dir));
    });
  group
    .command('catalogue')
    .description('print the status catalogue and the endpoint catalogue of both APIs')
    .action(() => {
      ctx.setExit(printCatalogue(ctx.io));
    });
}

export function runCheck(io: CliIO, dir?: string): number {
  const contracts = new Contracts(dir);
  const problems = checkConsistency(contracts);
  for (const p of problems) io.stderr(renderProblem(p) + '\n');
  if (problems.length > 0) {
    io.stderr(`${problems.length} inconsistenc${problems.length === 1 ? 'y' : 'ies'} in contracts/\n`);
    return EXIT.VIOLATIONS;
  }
  const endpoints = contracts.endpoints().length;
  const codes = Object.values(contracts.apis).reduce((n, a) => n + a.codeTables.reduce((m, t) => m + t.codes.length, 0), 0);
  io.stdout(`contracts/ is consistent: ${contracts.statuses.length} statuses, ${codes} business codes, ${endpoints} endpoints, ${contracts.schemas.size} schemas\n`);
  return EXIT.OK;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  return rows.map((r) => r.map((cell, i) => cell + ' '.repeat(widths[i] - [...cell].length)).join('  ').trimEnd()).join('\n') + '\n';
}

export function printCatalogue(io: CliIO): number {
  const c = new Contracts();
  io.stdout(table([['status', 'reason', 'envelope', 'retry', 'meaning'], ...c.statuses.map((s) => [String(s.code), s.reason, s.envelopeRequired ? 'yes' : 'no', s.retry, s.meaning.en])]));
  for (const api of Object.values(c.apis)) {
    io.stdout(`\n${api.title}\n`);
    io.stdout(table([['endpoint', 'method', 'path', 'statuses'], ...api.endpoints.map((e) => [e.id, e.method, e.path, e.statuses.join(' ')])]));
  }
  return EXIT.OK;
}
