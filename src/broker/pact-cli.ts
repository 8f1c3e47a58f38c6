import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { PushContractsError } from '../errors';
import { ENV_APP_KEY, ENV_GROUP_KEY, ENV_GROUP_MASTER_SECRET, ENV_MASTER_SECRET, maskSecrets } from '../credentials';
import { BROKER_ENV, brokerSecrets, type BrokerConfig, type Env } from './config';

/**
 * The `pact` binary of @pact-foundation/pact-cli (the official Rust pact-broker client). We call it
 * directly rather than through node_modules/.bin/pact-broker, whose wrapper uses spawnSync and would
 * block the event loop (and with it any broker served from this process, such as a test double).
 */
export function pactBinaryPath(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@pact-foundation/pact-cli-${os}-${process.arch}`;
  let dir: string;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new PushContractsError('PC_ERR_USAGE', `the pact-broker client for ${os}-${process.arch} is not installed (${pkg}); reinstall @pact-foundation/pact-cli`);
  }
  return path.join(dir, 'standalone', process.platform === 'win32' ? 'pact.exe' : 'pact');
}

export interface BrokerCliResult {
  readonly exitCode: number;
  /** stdout and stderr of the CLI, secrets masked, colour codes removed. */
  readonly output: string;
  readonly durationMs: number;
}

export interface BrokerCliOptions {
  readonly cwd: string;
  /** The caller's environment; PACT_BROKER_* in it are replaced by the resolved config. */
  readonly env: Env;
  /** Extra values to mask in the output (e.g. push credentials). */
  readonly extraSecrets?: readonly string[];
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * The environment the CLI runs with: the caller's, without anything push-contracts knows to be a
 * secret the broker does not need, plus the broker settings. Credentials travel in the environment,
 * never in argv, which `ps` shows to every user of the machine.
 */
// Set from the resolved config below; other PACT_BROKER_* variables (e.g. PACT_BROKER_CAN_I_DEPLOY_IGNORE) pass through.
const MANAGED: ReadonlySet<string> = new Set(Object.values(BROKER_ENV));

function childEnv(config: BrokerConfig, env: Env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || MANAGED.has(k) || k === ENV_APP_KEY || k === ENV_MASTER_SECRET || k === ENV_GROUP_KEY || k === ENV_GROUP_MASTER_SECRET) continue;
    out[k] = v;
  }
  out[BROKER_ENV.baseUrl] = config.baseUrl;
  // The CLI's value counts attempts (0 and 1 both mean one); ours counts retries after the first.
  out[BROKER_ENV.retries] = String(config.retries + 1);
  if (config.auth.kind === 'token') out[BROKER_ENV.token] = config.auth.token;
  if (config.auth.kind === 'basic') {
    out[BROKER_ENV.username] = config.auth.username;
    out[BROKER_ENV.password] = config.auth.password;
  }
  return out;
}

/** Exactly what runBrokerCli starts: the binary, its argv (never a credential) and its environment. */
export function brokerCliInvocation(args: readonly string[], config: BrokerConfig, env: Env): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
  return { file: pactBinaryPath(), args: ['broker', ...args], env: childEnv(config, env) };
}

/** One line of the CLI's output that says what went wrong, for error messages. */
function firstProblemLine(output: string): string {
  const lines = output.split('\n').map((l) => l.replace(/^[❌⚠️\s]+/u, '').trim()).filter(Boolean);
  return lines.find((l) => /fail|error|not exist|refused|unauthori[sz]ed/i.test(l)) ?? lines[0] ?? 'no output';
}

/**
 * Runs `pact broker <args>` asynchronously within the config's time bound and classifies failures the
 * caller cannot act on: unreachable / 5xx after the retries (PC_ERR_BROKER_UNREACHABLE) and refused
 * credentials (PC_ERR_BROKER_UNAUTHORIZED; the CLI never retries a 401). Any other non-zero exit is
 * returned for the command to interpret.
 */
export function runBrokerCli(args: readonly string[], config: BrokerConfig, options: BrokerCliOptions): Promise<BrokerCliResult> {
  const secrets = [...brokerSecrets(config.auth), ...(options.extraSecrets ?? [])];
  const call = brokerCliInvocation(args, config, options.env);
  const started = Date.now();
  const binary = call.file;
  return new Promise((resolve, reject) => {
    execFile(
      call.file,
      call.args,
      { cwd: options.cwd, env: call.env, timeout: config.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        const durationMs = Date.now() - started;
        const output = maskSecrets(`${stdout}${stderr}`.replace(ANSI, ''), secrets);
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new PushContractsError('PC_ERR_USAGE', `cannot run the pact-broker client at ${binary}`));
          return;
        }
        if (error && error.killed) {
          reject(new PushContractsError('PC_ERR_BROKER_UNREACHABLE', `the Pact Broker at ${config.baseUrl} did not answer within ${config.timeoutMs} ms (retries: ${config.retries})`, { url: config.baseUrl }));
          return;
        }
        const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        if (exitCode !== 0) {
          const status = /failed: (\d{3})\b/.exec(output)?.[1];
          if (status === '401' || status === '403') {
            reject(new PushContractsError('PC_ERR_BROKER_UNAUTHORIZED', `the Pact Broker at ${config.baseUrl} refused the credentials (${status}); check ${BROKER_ENV.token} or ${BROKER_ENV.username}/${BROKER_ENV.password}. Not retried.`, { url: config.baseUrl, status: Number(status) }));
            return;
          }
          const connection = /Failed to access pact broker|error sending request|connection refused|dns error|timed out/i.test(output);
          if (connection || (status !== undefined && status.startsWith('5'))) {
            const why = connection ? 'could not be reached' : `answered ${status}`;
            reject(new PushContractsError('PC_ERR_BROKER_UNREACHABLE', `the Pact Broker at ${config.baseUrl} ${why} after ${config.retries} retr${config.retries === 1 ? 'y' : 'ies'} (${durationMs} ms): ${firstProblemLine(output)}`, { url: config.baseUrl, status: status ? Number(status) : undefined }));
            return;
          }
        }
        resolve({ exitCode, output, durationMs });
      },
    );
  });
}

export { firstProblemLine };
