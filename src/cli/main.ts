import { Command, CommanderError } from 'commander';
import { isPushContractsError } from '../errors';
import { EXIT, processIO, type CliIO } from './io';
import * as contractsCommand from './commands/contracts';
import * as probeCommand from './commands/probe';
import * as publishCommand from './commands/publish';
import * as canIDeployCommand from './commands/can-i-deploy';
import * as recordDeploymentCommand from './commands/record-deployment';
import * as verifyCommand from './commands/verify';
import * as startCommand from './commands/start';
import * as serveCommand from './commands/serve';
import * as matrixCommand from './commands/matrix';
import * as mergeReportsCommand from './commands/merge-reports';
import * as openapiCommand from './commands/openapi';
import * as lintOpenapiCommand from './commands/lint-openapi';
import { addExitCodesHelp } from './exit-codes';
import type { CommandContext } from './context';

/** Each command registers itself; listed once here. */
const commands: ReadonlyArray<{ register(program: Command, ctx: CommandContext): void }> = [
  contractsCommand,
  probeCommand,
  publishCommand,
  canIDeployCommand,
  recordDeploymentCommand,
  verifyCommand,
  startCommand,
  serveCommand,
  matrixCommand,
  mergeReportsCommand,
  openapiCommand,
  lintOpenapiCommand,
];

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../../package.json') as { version: string };

/** Runs the CLI and returns its exit code; never calls process.exit, so tests run it in-process. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let exit: number = EXIT.OK;
  const ctx: CommandContext = { io, setExit: (code) => { exit = code; } };
  const program = new Command()
    .name('push-contracts')
    .description('Executable contracts for the JPush v3 / MTPush v4 HTTP status-code policy')
    .version(version, '-V, --version')
    // Program options only before the command name, so commands may have their own --version (can-i-deploy).
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run push-contracts --help for usage)');
  for (const c of commands) c.register(program, ctx);
  addExitCodesHelp(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through exitOverride with exit code 0.
      return err.exitCode === 0 ? EXIT.OK : EXIT.ERROR;
    }
    if (isPushContractsError(err)) {
      io.stderr(`push-contracts: ${err.code}: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr(`push-contracts: ${(err as Error).message ?? String(err)}\n`);
    return EXIT.ERROR;
  }
  return exit;
}
