import { Command, CommanderError } from 'commander';
import { isPushContractsError } from '../errors';
import { EXIT, processIO, type CliIO } from './io';
import { addExitCodesHelp } from './exit-codes';
import type { CommandContext } from './context';

interface CommandModule {
  register(program: Command, ctx: CommandContext): void;
}

/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * Each command registers itself; listed once here, in --help order, by the name it registers. A
 * command's module is loaded when that command runs: together they load most of src/ (the service,
 * the verifier, the broker client, ajv), which every CLI start and every test file running the CLI in
 * process paid for one command.
 */
const commands: ReadonlyArray<readonly [name: string, load: () => CommandModule]> = [
  ['contracts', () => require('./commands/contracts') as CommandModule],
  ['probe', () => require('./commands/probe') as CommandModule],
  ['publish', () => require('./commands/publish') as CommandModule],
  ['can-i-deploy', () => require('./commands/can-i-deploy') as CommandModule],
  ['record-deployment', () => require('./commands/record-deployment') as CommandModule],
  ['verify', () => require('./commands/verify') as CommandModule],
  ['start', () => require('./commands/start') as CommandModule],
  ['serve', () => require('./commands/serve') as CommandModule],
  ['matrix', () => require('./commands/matrix') as CommandModule],
  ['merge-reports', () => require('./commands/merge-reports') as CommandModule],
  ['openapi', () => require('./commands/openapi') as CommandModule],
  ['lint-openapi', () => require('./commands/lint-openapi') as CommandModule],
];
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The commands to register for argv: only the one it starts with, which commander hands the rest of
 * argv to, so that command's --help, errors and exit codes are what they were; all of them otherwise
 * (--help, --version, `help`, an unknown command and its suggestion).
 */
export function commandsFor(argv: readonly string[]): ReadonlyArray<readonly [string, () => CommandModule]> {
  const named = commands.find(([name]) => name === argv[0]);
  return named ? [named] : commands;
}

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
  for (const [, load] of commandsFor(argv)) load().register(program, ctx);
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
