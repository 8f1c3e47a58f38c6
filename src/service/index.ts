import type { AddressInfo } from 'node:net';
import { getContracts, type ApiId, type ProviderStateName, type RateLimit } from '../contracts';
import { PLACEHOLDER_CREDENTIALS, PLACEHOLDER_GROUP_CREDENTIALS, WRONG_CREDENTIALS, WRONG_GROUP_CREDENTIALS, type Credentials, type GroupCredentials } from '../credentials';
import { PushContractsError } from '../errors';
import { startDispatcher, type DispatcherControl } from './dispatcher/server';
import { AppRegistry } from './gateway/apps';
import type { GatewayDeps } from './gateway/context';
import { DispatcherClient } from './gateway/dispatcher-client';
import { OfflineRoutes } from './gateway/offline-routes';
import { RateLimiter } from './gateway/rate-limiter';
import { buildGateway, PROVIDER_STATES_PATH } from './gateway/server';
import { isStatelessChange, parseStateChange, stateHandlers, type StateTarget } from './provider-states';

/**
 * The demo app used when PUSH_APP_KEY / PUSH_MASTER_SECRET are unset: 24 alphanumerics each, like real
 * keys. It is VIP, not blacklisted and has no IP whitelist. Not a secret: it opens only a local sandbox.
 */
export const DEMO_CREDENTIALS: Credentials = Object.freeze({
  appKey: 'pcDemoAppKey000000000001',
  masterSecret: 'pcDemoMasterSecret000001',
});

/**
 * The demo group used when PUSH_GROUP_KEY / PUSH_GROUP_MASTER_SECRET are unset: group push authenticates
 * as `group-pcDemoGroupKey000000001`. Its apps are the service's app and DEMO_GROUP_MEMBER. Not a secret.
 */
export const DEMO_GROUP_CREDENTIALS: GroupCredentials = Object.freeze({
  groupKey: 'pcDemoGroupKey000000001',
  groupMasterSecret: 'pcDemoGroupSecret0000001',
});

/**
 * The group's second app, so a group push answers two items: one per app. It has no credentials of its
 * own anyone knows (a group push reaches it; nothing else can), and provider states treat it like the
 * service's app (a blacklisted app state blacklists both).
 */
export const DEMO_GROUP_MEMBER: Credentials = Object.freeze({
  appKey: 'pcDemoGroupMember0000002',
  masterSecret: 'pcDemoGroupMemberSecret2',
});

/** A device every clean service holds, so a sandbox push to "all" finds a target; no pact names it. */
export const DEMO_DEVICE = Object.freeze({ registrationId: '100d85590955c1d2793', tags: ['demo'], alias: 'demo' });

export interface RateOverride {
  readonly limit?: number;
  readonly windowSeconds?: number;
}

export interface ReferenceServiceOptions {
  /** Port of the gateway; 0 (default) picks a free one. */
  readonly port?: number;
  readonly host?: string;
  /** Mounts POST /_pact/provider-states; without it that path answers 404 like any unknown path. */
  readonly enableProviderStates?: boolean;
  /** The app the service accepts; DEMO_CREDENTIALS when absent. */
  readonly credentials?: Credentials;
  /** The group group push authenticates as (its apps: the service's app and DEMO_GROUP_MEMBER); DEMO_GROUP_CREDENTIALS when absent. */
  readonly group?: GroupCredentials;
  readonly limits?: {
    /** Overrides every family's rate limit (tests use small limits and windows). */
    readonly rate?: RateOverride;
    /** Overrides one bucket of one API, e.g. { 'jpush-v3': { push: { limit: 5 } } }. */
    readonly rateByBucket?: Partial<Record<ApiId, Readonly<Record<string, RateOverride>>>>;
    /** Largest request body the gateway reads (default 256 KiB). */
    readonly bodyBytes?: number;
    /** A client must send its whole request within this (default 10 s). */
    readonly requestTimeoutMs?: number;
  };
  readonly dispatcher?: {
    /** Jobs that may wait for a worker (default 1024). */
    readonly queueCapacity?: number;
    readonly workers?: number;
    /** How long the gateway waits for the dispatcher before answering 504 (default DEFAULT_DEADLINE_MS, 1000 ms; `start`/`verify` use EMBEDDED_DEADLINE_MS). */
    readonly deadlineMs?: number;
  };
}

export interface ReferenceService {
  /** Base URL of the gateway, e.g. http://127.0.0.1:8300. */
  readonly url: string;
  readonly port: number;
  readonly appKey: string;
  /** The key of the group group push authenticates as. */
  readonly groupKey: string;
  /** The dispatcher's real controls: stop/start it (its socket), delay, queue, store. */
  readonly dispatcher: DispatcherControl;
  /** The gateway's deadline for dispatcher answers. */
  readonly deadlineMs: number;
  /** Sets up a provider state in-process, exactly as POST /_pact/provider-states does. */
  setUpState(state: ProviderStateName, params?: Readonly<Record<string, string>>): Promise<void>;
  /** Restores a clean service: dispatcher running and emptied (demo data re-seeded), apps, rate limits and offline routes reset. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** The gateway's deadline for a dispatcher answer when none is given (`serve` without --deadline-ms). */
export const DEFAULT_DEADLINE_MS = 1000;

/**
 * The deadline of the service that `start` and `verify` embed. Healthy dispatches measured under a
 * saturated 2-core machine (bench/service.bench.js, docs/benchmarks.md "dispatch hop") stay far below
 * it, while each "the dispatcher is slow" interaction costs it once instead of DEFAULT_DEADLINE_MS.
 */
export const EMBEDDED_DEADLINE_MS = 250;

const DEFAULTS = { host: '127.0.0.1', bodyBytes: 256 * 1024, requestTimeoutMs: 10_000, deadlineMs: DEFAULT_DEADLINE_MS } as const;

function sameCredentials(a: Credentials, b: Credentials): boolean {
  return a.appKey === b.appKey && a.masterSecret === b.masterSecret;
}

function sameGroup(a: GroupCredentials, b: GroupCredentials): boolean {
  return a.groupKey === b.groupKey && a.groupMasterSecret === b.groupMasterSecret;
}

/**
 * Starts the reference service: a dispatcher on a socket in a private directory and the gateway in front of it.
 * @example
 * const svc = await startReferenceService({ enableProviderStates: true });
 * // ... requests against svc.url ...
 * await svc.close();
 * @see docs/reference-service.md
 */
export async function startReferenceService(options: ReferenceServiceOptions = {}): Promise<ReferenceService> {
  const contracts = getContracts();
  const credentials = options.credentials ?? DEMO_CREDENTIALS;
  // The pact placeholders stand for real credentials; a service that accepted them would hide a verifier that forgot to swap them.
  if (sameCredentials(credentials, PLACEHOLDER_CREDENTIALS) || sameCredentials(credentials, WRONG_CREDENTIALS)) {
    throw new PushContractsError('PC_ERR_SERVICE_START', 'the pact placeholder credentials cannot be the service\'s app; set PUSH_APP_KEY / PUSH_MASTER_SECRET to real-looking values');
  }
  const group = options.group ?? DEMO_GROUP_CREDENTIALS;
  if (sameGroup(group, PLACEHOLDER_GROUP_CREDENTIALS) || sameGroup(group, WRONG_GROUP_CREDENTIALS)) {
    throw new PushContractsError('PC_ERR_SERVICE_START', 'the pact placeholder group credentials cannot be the service\'s group; set PUSH_GROUP_KEY / PUSH_GROUP_MASTER_SECRET to real-looking values');
  }
  const deadlineMs = options.dispatcher?.deadlineMs ?? DEFAULTS.deadlineMs;
  // setTimeout turns NaN, 0 and huge values into "at once" or "never": no deadline a 504 could come from.
  if (!Number.isInteger(deadlineMs) || deadlineMs < 1 || deadlineMs > 2 ** 31 - 1) {
    throw new PushContractsError('PC_ERR_SERVICE_START', `dispatcher.deadlineMs must be a whole number of milliseconds >= 1, got ${String(deadlineMs)}`);
  }
  const now = Date.now;

  // Worked out once per family: the gateway asks for every request.
  const rates = new Map<string, RateLimit>();
  const rateFor = (api: ApiId, family: string): RateLimit => {
    const key = `${api} ${family}`;
    let rate = rates.get(key);
    if (!rate) {
      const base = contracts.apis[api].families[family].rateLimit;
      const o = { ...options.limits?.rate, ...options.limits?.rateByBucket?.[api]?.[base.bucket] };
      rate = { bucket: base.bucket, limit: o.limit ?? base.limit, windowSeconds: o.windowSeconds ?? base.windowSeconds };
      rates.set(key, rate);
    }
    return rate;
  };

  const dispatcher = await startDispatcher({ queueCapacity: options.dispatcher?.queueCapacity, workers: options.dispatcher?.workers }, now)
    .catch((err: Error) => {
      throw new PushContractsError('PC_ERR_SERVICE_START', `dispatcher could not start: ${err.message}`);
    });
  const member = credentials.appKey === DEMO_GROUP_MEMBER.appKey ? [] : [DEMO_GROUP_MEMBER];
  const apps = new AppRegistry([credentials, ...member], [{ ...group, members: [credentials.appKey, ...member.map((m) => m.appKey)] }]);
  const limiter = new RateLimiter(now);
  const offline = new OfflineRoutes();
  const client = new DispatcherClient(() => dispatcher, deadlineMs);
  const seed = (): void => {
    dispatcher.store.upsertDevice(DEMO_DEVICE.registrationId, { tags: DEMO_DEVICE.tags, alias: DEMO_DEVICE.alias });
  };
  seed();

  const target: StateTarget = { contracts, appKey: credentials.appKey, apps, limiter, rateFor, offline, dispatcher, deadlineMs, now };
  const reset = async (): Promise<void> => {
    apps.reset();
    limiter.reset();
    offline.reset();
    await dispatcher.reset();
    seed();
  };

  const deps: GatewayDeps = { contracts, apps, limiter, rateFor, client, offline };
  const gateway = buildGateway(
    deps,
    { bodyBytes: options.limits?.bodyBytes ?? DEFAULTS.bodyBytes, requestTimeoutMs: options.limits?.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs },
    options.enableProviderStates
      ? async (body) => {
        // Pact's verifier calls the setup URL with an empty state for interactions that have none.
        if (isStatelessChange(body)) return { status: 200, body: {} };
        const parsed = parseStateChange(contracts, body);
        if (!parsed.ok) return { status: 400, body: { error: { code: parsed.code, message: parsed.message } } };
        const { change } = parsed;
        if (change.action === 'teardown') await reset();
        else await stateHandlers[change.state as ProviderStateName](target, change.params);
        // The Pact verifier reads a JSON object of values a pact may inject; the params are those values.
        return { status: 200, body: { ...change.params } };
      }
      : undefined,
  );

  try {
    await gateway.listen({ port: options.port ?? 0, host: options.host ?? DEFAULTS.host });
  } catch (err) {
    await dispatcher.close();
    client.close();
    throw new PushContractsError('PC_ERR_SERVICE_START', `gateway could not listen on ${options.host ?? DEFAULTS.host}:${options.port ?? 0}: ${(err as Error).message}`);
  }
  const port = (gateway.server.address() as AddressInfo).port;
  const host = options.host ?? DEFAULTS.host;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closed = false;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    appKey: credentials.appKey,
    groupKey: group.groupKey,
    dispatcher,
    deadlineMs,
    setUpState: async (state, params = {}) => {
      const parsed = parseStateChange(contracts, { state, params, action: 'setup' });
      if (!parsed.ok) throw new PushContractsError(parsed.code, parsed.message, { state });
      await stateHandlers[state](target, parsed.change.params);
    },
    reset,
    close: async () => {
      if (closed) return;
      closed = true;
      await gateway.close();
      client.close();
      await dispatcher.close();
    },
  };
}

export { PROVIDER_STATES_PATH };
export type { DispatcherControl } from './dispatcher/server';
