import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { PushContractsError } from '../../errors';
import { pactSources } from '../pact-sources';
import { runVerification } from '../run-verification';
import { DEFAULT_TIMEOUT_MS } from '../../verifier/verify';
import type { CliIO } from '../io';
import type { CommandContext } from '../context';

/**
 * Why pacts/ must be regenerated, or undefined when it is fresh: absent, empty, or older than a file the
 * pacts are made from (../pact-sources.ts: the suites `npm run pacts` runs, what they import, contracts/).
 */
export function stalePactsReason(root: string): string | undefined {
  const pactDir = path.join(root, 'pacts');
  const pacts = existsSync(pactDir) ? readdirSync(pactDir).filter((f) => f.endsWith('.json')).map((f) => path.join(pactDir, f)) : [];
  if (pacts.length === 0) return 'pacts/ has no pact';
  const oldest = Math.min(...pacts.map((f) => statSync(f).mtimeMs));
  const changed = pactSources(root).find((f) => statSync(f).mtimeMs > oldest);
  return changed === undefined ? undefined : `${path.relative(root, changed).split(path.sep).join('/')} changed after the pacts were generated`;
}

/** Runs `npm run pacts` in `root`, streaming its output; resolves with its exit code. */
function generatePacts(io: CliIO, root: string): Promise<number> {
  return new Promise((resolve) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, ['run', 'pacts'], { cwd: root, env: { ...io.env, PACT_DO_NOT_TRACK: io.env.PACT_DO_NOT_TRACK ?? 'true' } as NodeJS.ProcessEnv });
    child.stdout.on('data', (c: Buffer) => io.stdout(c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => io.stderr(c.toString('utf8')));
    child.on('error', (err) => {
      io.stderr(`push-contracts: could not run npm: ${err.message}\n`);
      resolve(2);
    });
    child.on('close', (code) => resolve(code ?? 2));
  });
}

/**
 * `push-contracts start` (npm start), the main job: regenerate the pacts when absent or stale, start
 * the reference service, verify the pacts against it with the audit, print the summary and matrix,
 * and write the reports (reports/junit/<consumer>.xml, reports/conformance.html, reports/verification.json).
 */
export function register(program: Command, ctx: CommandContext): void {
  program
    .command('start')
    .description('generate the pacts if absent or stale, verify them against the embedded reference service, print the summary and write the reports')
    .option('--reports-dir <dir>', 'where the reports go', 'reports')
    .option('--timeout <ms>', `bound on each exchange with the service (default ${DEFAULT_TIMEOUT_MS})`)
    .option('--no-regenerate', 'verify pacts/ as it is, even when stale')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (flags: { reportsDir: string; timeout?: string; regenerate: boolean; quiet?: boolean }) => {
      const root = ctx.io.cwd;
      const { io } = ctx;
      if (flags.timeout !== undefined && !/^[1-9][0-9]*$/.test(flags.timeout)) {
        const e = new PushContractsError('PC_ERR_USAGE', `--timeout must be a positive number of milliseconds, got '${flags.timeout}'`);
        io.stderr(`push-contracts: ${e.code}: ${e.message}\n`);
        ctx.setExit(e.exitCode);
        return;
      }
      const reason = stalePactsReason(root);
      if (reason && flags.regenerate) {
        io.stdout(`regenerating the pacts (${reason}): npm run pacts\n`);
        const code = await generatePacts(io, root);
        if (code !== 0) {
          io.stderr(`push-contracts: PC_ERR_USAGE: npm run pacts failed (exit ${code}); fix the consumer suites first\n`);
          ctx.setExit(2);
          return;
        }
      } else {
        io.stdout(reason ? `using pacts/ as it is (${reason})\n` : 'pacts/ is up to date\n');
      }
      const reports = path.resolve(root, flags.reportsDir);
      const { exitCode } = await runVerification({
        sources: [{ kind: 'dir', dir: path.join(root, 'pacts') }],
        timeoutMs: flags.timeout ? Number(flags.timeout) : undefined,
        reports: { junit: path.join(reports, 'junit'), html: path.join(reports, 'conformance.html'), json: path.join(reports, 'verification.json') },
        env: io.env,
        stdout: io.stdout,
        stderr: io.stderr,
        stderrIsTTY: io.stderrIsTTY,
        quiet: flags.quiet,
      });
      ctx.setExit(exitCode);
    });
}
