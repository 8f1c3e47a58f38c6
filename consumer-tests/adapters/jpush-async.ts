/**
 * Matrix adapter for the official jpush-async npm client (4.2.0), a consumer nobody here wrote.
 *
 * Pointing it at the mock server: JPushAsync.js builds every URL from module-private constants
 * (`var PUSH_API_URL = 'https://api.jpush.cn/v3/push'`, `HOST_NAME_SSL = 'https://device.jpush.cn'`, …)
 * and offers no host option. Its `proxy` field replaces the whole URL (Request2 does `new URL(client.proxy
 * || url)` and keeps only its pathname), so it cannot serve as a base URL. The adapter therefore loads
 * the package's own JPushAsync.js source, replaces the three https origins with the mock server's origin,
 * and compiles that text as a fresh module next to the original file (so its `require('./Request2')` etc.
 * resolve to the installed package). Nothing else of the client changes.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import type { AdapterContext, MatrixAdapter } from '../../src/matrix';

interface JPushErrorCtor {
  new (...args: unknown[]): Error;
}

interface JPushAsyncClient {
  sendPush(payload: unknown): Promise<unknown>;
  validate(payload: unknown): Promise<unknown>;
  getReportReceiveds(msgIds: string): Promise<unknown>;
  getReportMessages(msgIds: string): Promise<unknown>;
  getReportReceivedDetail(msgIds: string): Promise<unknown>;
  getReportMessagesDetail(msgIds: string): Promise<unknown>;
  getReportUsers(timeUnit: string, start: string, duration: string): Promise<unknown>;
  getReportStatusMessage(msgId: unknown, registrationIds: unknown, date?: string): Promise<{ res?: unknown; err?: unknown }>;
  getDeviceTagAlias(registrationId: string): Promise<unknown>;
  updateDeviceTagAlias(registrationId: string, alias: string | null, clearTag: boolean, add: string[], remove: string[]): Promise<unknown>;
  getTagList(): Promise<unknown>;
  addRemoveDevicesFromTag(tag: string, add: string[] | null, remove: string[] | null): Promise<unknown>;
  getAliasDeviceList(alias: string, platform?: string): Promise<unknown>;
  deleteAlias(alias: string, platform?: string): Promise<unknown>;
  setSchedule(payload: unknown): Promise<unknown>;
  getScheduleList(page: number): Promise<unknown>;
  getSchedule(id: string): Promise<unknown>;
  updateSchedule(id: string, payload: unknown): Promise<unknown>;
  delSchedule(id: string): Promise<unknown>;
}

interface JPushAsyncModule {
  buildClient(options: { appKey: string; masterSecret: string; isDebug?: boolean; readTimeOut?: number; retryTimes?: number }): JPushAsyncClient;
  APIConnectionError: JPushErrorCtor;
  APIRequestError: JPushErrorCtor;
  InvalidArgumentError: JPushErrorCtor;
}

interface CompilableModule {
  filename: string;
  paths: string[];
  exports: unknown;
  _compile(source: string, filename: string): void;
}

const ORIGINS = /https:\/\/(?:api|report|device)\.jpush\.cn/g;
/** PUSH, GROUP, REPORT, SCHEDULE and the device host: if the package changes, the rewrite must be re-read. */
const EXPECTED_ORIGINS = 5;

export const JPUSH_ASYNC_VERSION = (JSON.parse(fs.readFileSync(require.resolve('jpush-async/package.json'), 'utf8')) as { version: string }).version;

const loaded = new Map<string, JPushAsyncModule>();

// The package loaded once as installed, when the adapter is (before a worker says it is ready): its dependencies
// (Request2, the payload builders, debug) are then in the module cache, and each per-origin compile below reads
// only JPushAsync.js. Loaded lazily by a worker's first call instead, they made that call slow enough on a
// loaded machine to be judged a hang.
require('jpush-async/lib/JPush/JPushAsync.js');

function compileNextTo(file: string, source: string): unknown {
  const ModuleCtor = Module as unknown as { new (id: string, parent?: unknown): CompilableModule; _nodeModulePaths(dir: string): string[] };
  const m = new ModuleCtor(file, module);
  m.filename = file;
  m.paths = ModuleCtor._nodeModulePaths(path.dirname(file));
  m._compile(source, file);
  return m.exports;
}

/**
 * jpush-async checks `tags instanceof Array`. Under jest the test's arrays come from another realm (jest's vm
 * context) than the client's, so they fail that check; values pass through JSON in the client's realm instead.
 */
let clientRealmParse: ((json: string) => unknown) | undefined;
function inClientRealm<T>(value: T): T {
  clientRealmParse ??= compileNextTo(require.resolve('jpush-async/lib/JPush/JPushAsync.js'), 'module.exports = (s) => JSON.parse(s)') as (json: string) => unknown;
  return value === undefined ? value : (clientRealmParse(JSON.stringify(value)) as T);
}

/** jpush-async's JPushAsync module with its hosts replaced by `origin`. */
export function loadJPushAsync(origin: string): JPushAsyncModule {
  const cached = loaded.get(origin);
  if (cached) return cached;
  const file = require.resolve('jpush-async/lib/JPush/JPushAsync.js');
  const source = fs.readFileSync(file, 'utf8');
  const found = source.match(ORIGINS)?.length ?? 0;
  if (found !== EXPECTED_ORIGINS) {
    throw new Error(`jpush-async ${JPUSH_ASYNC_VERSION}: expected ${EXPECTED_ORIGINS} host constants in JPushAsync.js, found ${found}`);
  }
  const exported = compileNextTo(file, source.replace(ORIGINS, origin)) as JPushAsyncModule;
  loaded.set(origin, exported);
  return exported;
}

function clientFor(ctx: AdapterContext): { jp: JPushAsyncModule; client: JPushAsyncClient } {
  const jp = loadJPushAsync(ctx.baseUrl);
  // isDebug defaults to true and then prints every body to stdout; the timeout stays below the hang timeout.
  const client = jp.buildClient({
    appKey: ctx.credentials.appKey,
    masterSecret: ctx.credentials.masterSecret,
    isDebug: false,
    readTimeOut: Math.max(50, Math.floor(ctx.hangTimeoutMs / 2)),
  });
  return { jp, client };
}

type Ex = AdapterContext['example'];
const b = (ex: Ex): Record<string, unknown> => ex.body as Record<string, unknown>;
const q = (ex: Ex, name: string): string => (ex.query ?? {})[name];

/** Each call uses the client's documented method for the operation, with the catalogue's example values. */
const calls: Record<string, (client: JPushAsyncClient, ex: Ex) => Promise<unknown>> = {
  push: (c, ex) => c.sendPush(ex.body),
  'push.validate': (c, ex) => c.validate(ex.body),
  'report.received': (c, ex) => c.getReportReceiveds(q(ex, 'msg_ids')),
  'report.messages': (c, ex) => c.getReportMessages(q(ex, 'msg_ids')),
  'report.received-detail': (c, ex) => c.getReportReceivedDetail(q(ex, 'msg_ids')),
  'report.messages-detail': (c, ex) => c.getReportMessagesDetail(q(ex, 'msg_ids')),
  'report.users': (c, ex) => c.getReportUsers(q(ex, 'time_unit'), q(ex, 'start'), q(ex, 'duration')),
  // This method never rejects: it resolves { res } or { err }. A user unwraps it, so the adapter does too.
  'report.status-message': async (c, ex) => {
    const { res, err } = await c.getReportStatusMessage(b(ex).msg_id, b(ex).registration_ids, b(ex).date as string | undefined);
    if (err !== undefined) throw err;
    return res;
  },
  'device.get': (c, ex) => c.getDeviceTagAlias(ex.params.registration_id),
  'device.update': (c, ex) => {
    const tags = (b(ex).tags ?? {}) as { add?: string[]; remove?: string[] };
    return c.updateDeviceTagAlias(ex.params.registration_id, (b(ex).alias as string | undefined) ?? null, false, tags.add ?? [], tags.remove ?? []);
  },
  'tags.list': (c) => c.getTagList(),
  'tags.update': (c, ex) => {
    const ids = (b(ex).registration_ids ?? {}) as { add?: string[]; remove?: string[] };
    return c.addRemoveDevicesFromTag(ex.params.tag, ids.add ?? null, ids.remove ?? null);
  },
  'aliases.get': (c, ex) => c.getAliasDeviceList(ex.params.alias, q(ex, 'platform')),
  'aliases.delete': (c, ex) => c.deleteAlias(ex.params.alias, q(ex, 'platform')),
  'schedules.create': (c, ex) => c.setSchedule(ex.body),
  'schedules.list': (c, ex) => c.getScheduleList(Number(q(ex, 'page') ?? '1')),
  'schedules.get': (c, ex) => c.getSchedule(ex.params.schedule_id),
  'schedules.update': (c, ex) => c.updateSchedule(ex.params.schedule_id, ex.body),
  'schedules.delete': (c, ex) => c.delSchedule(ex.params.schedule_id),
};

function typed(jp: JPushAsyncModule, err: unknown): boolean {
  return err instanceof jp.APIRequestError || err instanceof jp.APIConnectionError || err instanceof jp.InvalidArgumentError;
}

/**
 * The adapter. jpush-async covers JPush v3 only (no cid, no withdraw in the async API); the matrix lists
 * the endpoints it lacks. Its isDeviceInTag sends a double slash (`TAG_PATH + '/' + tag` with TAG_PATH
 * `/v3/tags/`), its deleteTag (with a platform) and getDeviceStatus a trailing slash (`/v3/tags/t/?platform=`,
 * `/v3/devices/status/`); a pact mock server matches none of those paths, so a cell could only show the
 * mismatch, not how the client handles a status. Its getScheduleMsgIds is not on the client's prototype.
 * Those endpoints are left unsupported here.
 */
export function jpushAsyncAdapter(): MatrixAdapter {
  const wrapped: MatrixAdapter['calls'] = Object.fromEntries(
    Object.entries(calls).map(([id, call]) => [id, (ctx: AdapterContext) => call(clientFor(ctx).client, inClientRealm(ctx.example))]),
  );
  return {
    name: `jpush-async ${JPUSH_ASYNC_VERSION}`,
    api: 'jpush-v3',
    calls: wrapped,
    // Every compiled copy requires the package's one JPushError.js through Node's module cache, so any
    // loaded copy's error classes are the ones all copies throw.
    isTypedError: (err) => {
      const jp = loaded.values().next().value;
      return jp !== undefined && typed(jp, err);
    },
    statusOf: (err) => {
      const code = (err as { httpCode?: unknown } | null)?.httpCode;
      return typeof code === 'number' ? code : undefined;
    },
    codeOf: (err) => {
      const response = (err as { response?: unknown } | null)?.response;
      if (typeof response !== 'string') return undefined;
      try {
        const parsed = JSON.parse(response) as { code?: unknown };
        return typeof parsed.code === 'number' ? parsed.code : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** The module export `push-contracts matrix --adapter` and runAdapterModule load (a factory). */
export const adapter = jpushAsyncAdapter;
