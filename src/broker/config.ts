import { PushContractsError } from '../errors';
import { basicAuth, secretForms, type Credentials } from '../credentials';

export type Env = Readonly<Record<string, string | undefined>>;

/** The standard variables every Pact client reads; we read the same ones and nothing else. */
export const BROKER_ENV = {
  baseUrl: 'PACT_BROKER_BASE_URL',
  token: 'PACT_BROKER_TOKEN',
  username: 'PACT_BROKER_USERNAME',
  password: 'PACT_BROKER_PASSWORD',
  retries: 'PACT_BROKER_HTTP_RETRIES',
} as const;

export type BrokerAuth =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'none' };

export interface BrokerConfig {
  readonly baseUrl: string;
  readonly auth: BrokerAuth;
  /** HTTP retries the CLI makes on 5xx, 408, 429 and connection errors (its back-off doubles from 0.5 s). */
  readonly retries: number;
  /** Upper bound for one CLI run, whatever the broker does. */
  readonly timeoutMs: number;
}

/**
 * Two retries (0.5 s + 1 s of back-off) ride out a broker restart without turning an outage into a
 * minute-long hang, which the CLI's own default of eight retries does (about 64 s).
 */
export const DEFAULT_RETRIES = 2;
export const DEFAULT_TIMEOUT_MS = 60_000;

export interface BrokerConfigOverrides {
  readonly baseUrl?: string;
  readonly retries?: number;
  readonly timeoutMs?: number;
}

function parseRetries(raw: string | number | undefined, source: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 10) {
    throw new PushContractsError('PC_ERR_USAGE', `${source} must be an integer from 0 to 10, got '${String(raw)}'`);
  }
  return n;
}

/**
 * The broker settings from the standard environment, with command-line overrides. A token wins over
 * a username/password pair, as in the Pact clients. Missing base URL is a usage error naming both ways
 * to set it.
 */
export function brokerConfig(env: Env, overrides: BrokerConfigOverrides = {}): BrokerConfig {
  const baseUrl = (overrides.baseUrl ?? env[BROKER_ENV.baseUrl] ?? '').trim();
  if (baseUrl === '') {
    throw new PushContractsError('PC_ERR_USAGE', `the Pact Broker URL is missing: set ${BROKER_ENV.baseUrl} or pass --broker-url`);
  }
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new PushContractsError('PC_ERR_USAGE', `the Pact Broker URL '${baseUrl}' is not a URL`);
  }
  if (parsed.username || parsed.password) {
    // A password in the URL would end up in every log line that names the URL.
    throw new PushContractsError('PC_ERR_USAGE', `the Pact Broker URL must not carry credentials; use ${BROKER_ENV.token} or ${BROKER_ENV.username}/${BROKER_ENV.password}`);
  }
  const token = env[BROKER_ENV.token];
  const username = env[BROKER_ENV.username];
  const password = env[BROKER_ENV.password];
  const auth: BrokerAuth = token
    ? { kind: 'token', token }
    : username && password
      ? { kind: 'basic', username, password }
      : { kind: 'none' };
  if (!token && Boolean(username) !== Boolean(password)) {
    throw new PushContractsError('PC_ERR_USAGE', `${BROKER_ENV.username} and ${BROKER_ENV.password} must be set together`);
  }
  const retries = parseRetries(overrides.retries, '--retries') ?? parseRetries(env[BROKER_ENV.retries], BROKER_ENV.retries) ?? DEFAULT_RETRIES;
  const timeoutMs = overrides.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new PushContractsError('PC_ERR_USAGE', `--timeout must be a positive number of milliseconds`);
  return Object.freeze({ baseUrl: baseUrl.replace(/\/+$/, ''), auth, retries, timeoutMs });
}

/** Every text form of the broker credentials that must never be printed. */
export function brokerSecrets(auth: BrokerAuth): string[] {
  switch (auth.kind) {
    case 'token':
      return [auth.token, `Bearer ${auth.token}`];
    case 'basic': {
      const c: Credentials = { appKey: auth.username, masterSecret: auth.password };
      return [...secretForms(c), `${auth.username}:${auth.password}`, basicAuth(c)];
    }
    case 'none':
      return [];
    default:
      return auth satisfies never;
  }
}

/** What a reader may see about the credentials in use. */
export function describeAuth(auth: BrokerAuth): string {
  switch (auth.kind) {
    case 'token':
      return `bearer token from ${BROKER_ENV.token}`;
    case 'basic':
      return `basic auth as ${auth.username}`;
    case 'none':
      return 'no credentials';
    default:
      return auth satisfies never;
  }
}
