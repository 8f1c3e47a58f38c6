import type { Command } from 'commander';
import { credentialsFromEnv, ENV_APP_KEY, ENV_GROUP_KEY, ENV_GROUP_MASTER_SECRET, ENV_MASTER_SECRET, groupCredentialsFromEnv } from '../../credentials';
import { PushContractsError } from '../../errors';
import { DEFAULT_DEADLINE_MS, PROVIDER_STATES_PATH, startReferenceService, type ReferenceService } from '../../service';
import type { CliIO } from '../io';
import { EXIT } from '../io';
import type { CommandContext } from '../context';

export interface ServeFlags {
  port?: string;
  host?: string;
  enableProviderStates?: boolean;
  deadlineMs?: string;
}

export const DEFAULT_SERVE_PORT = 8300;

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_SERVE_PORT;
  if (!/^[0-9]{1,5}$/.test(raw) || Number(raw) > 65535) throw new PushContractsError('PC_ERR_USAGE', `--port must be a port number 0..65535, got '${raw}'`);
  return Number(raw);
}

/** Longest --deadline-ms accepted: ten minutes; a longer wait is no deadline at all. */
const MAX_DEADLINE_MS = 600_000;

function parseDeadline(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[0-9]{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_DEADLINE_MS) {
    throw new PushContractsError('PC_ERR_USAGE', `--deadline-ms must be a whole number of milliseconds 1..${MAX_DEADLINE_MS}, got '${raw}'`);
  }
  return Number(raw);
}

/**
 * Starts the reference service and tells where it listens and which app key it accepts (never the
 * secret). Resolves with the running service; the caller decides when to close it.
 */
export async function startServe(io: CliIO, flags: ServeFlags): Promise<ReferenceService> {
  const port = parsePort(flags.port);
  const deadlineMs = parseDeadline(flags.deadlineMs);
  const credentials = credentialsFromEnv(io.env);
  const group = groupCredentialsFromEnv(io.env);
  const svc = await startReferenceService({ port, host: flags.host, enableProviderStates: flags.enableProviderStates === true, credentials, group, dispatcher: { deadlineMs } });
  io.stdout(`push-contracts reference service listening on ${svc.url}\n`);
  io.stdout(`dispatcher deadline: ${svc.deadlineMs} ms\n`);
  io.stdout(credentials
    ? `credentials: from ${ENV_APP_KEY} and ${ENV_MASTER_SECRET} (not printed)\n`
    : `app key: ${svc.appKey} (demo credentials; see docs/reference-service.md for the master secret)\n`);
  io.stdout(group
    ? `group credentials: from ${ENV_GROUP_KEY} and ${ENV_GROUP_MASTER_SECRET} (not printed)\n`
    : `group key: ${svc.groupKey} (demo group for group push; see docs/reference-service.md)\n`);
  if (flags.enableProviderStates) io.stdout(`provider states: POST ${svc.url}${PROVIDER_STATES_PATH}\n`);
  return svc;
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

/** `push-contracts serve`: the JPush v3 / MTPush v4 reference service, until interrupted. */
export function register(program: Command, ctx: CommandContext): void {
  program
    .command('serve')
    .description('run the reference JPush v3 / MTPush v4 service (gateway + dispatcher), where every status comes from its real cause')
    .option('--port <port>', `port to listen on (default ${DEFAULT_SERVE_PORT}; 0 picks a free one)`)
    .option('--host <host>', 'address to bind (default 127.0.0.1)')
    .option('--deadline-ms <ms>', `how long the gateway waits for the dispatcher before answering 504 (default ${DEFAULT_DEADLINE_MS})`)
    .option('--enable-provider-states', `mount the Pact provider-state endpoint POST ${PROVIDER_STATES_PATH}`)
    .action(async (flags: ServeFlags) => {
      const svc = await startServe(ctx.io, flags);
      await untilSignal();
      await svc.close();
      ctx.io.stdout('reference service stopped\n');
      ctx.setExit(EXIT.OK);
    });
}
