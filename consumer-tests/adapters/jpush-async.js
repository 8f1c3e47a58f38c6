'use strict';
/**
 * Matrix adapter for the official jpush-async npm client (4.2.0), a consumer nobody here wrote.
 *
 * Pointing it at the mock server: JPushAsync.js builds every URL from module-private constants
 * (`var PUSH_API_URL = 'https://api.jpush.cn/v3/push'`, `HOST_NAME_SSL = 'https://device.jpush.cn'`, …)
 * and offers no host option. Its `proxy` field replaces the whole URL (Request2 does `new URL(client.proxy
 * || url)` and keeps only its pathname), so it cannot serve as a base URL. The adapter therefore runs copies
 * of the package's own JPushAsync.js with the three https origins replaced by the mock server's origin
 * (origin-copies.js), next to the original file (so its `require('./Request2')` etc. resolve to the installed
 * package). Nothing else of the client changes.
 *
 * Plain JS, as jpush-sdk's adapter: run in the matrix's worker threads, a TypeScript adapter costs each worker
 * ts-node (typescript's load, ~0.8 s of CPU) and source-map-support's stack rewriting of every error the client
 * makes. A TypeScript adapter is proved by src/matrix/matrix.test.ts ("loads a TypeScript adapter").
 */
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { copiesPerOrigin } = require('./origin-copies');

const JPUSH_ASYNC_VERSION = JSON.parse(fs.readFileSync(require.resolve('jpush-async/package.json'), 'utf8')).version;
const FILE = require.resolve('jpush-async/lib/JPush/JPushAsync.js');
/** PUSH, GROUP, REPORT, SCHEDULE and the device host. */
const EXPECTED_ORIGINS = 5;

// The package loaded once as installed, when the adapter is (before a worker says it is ready): its dependencies
// (Request2, the payload builders, debug) are then in the module cache, and each per-origin copy below runs only
// JPushAsync.js. Loaded lazily by a worker's first call instead, they made that call slow enough on a loaded
// machine to be judged a hang.
require(FILE);

const copyFor = copiesPerOrigin(FILE, EXPECTED_ORIGINS, `jpush-async ${JPUSH_ASYNC_VERSION}`);
/** Copies made so far: any one's error classes are the ones all copies throw (isTypedError). */
const loaded = new Map();

function compileNextTo(file, source) {
  const m = new Module(file, module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  m._compile(source, file);
  return m.exports;
}

/**
 * jpush-async checks `tags instanceof Array`. Under jest the test's arrays come from another realm (jest's vm
 * context) than the client's, so they fail that check; values pass through JSON in the client's realm instead.
 */
let clientRealmParse;
function inClientRealm(value) {
  clientRealmParse ??= compileNextTo(FILE, 'module.exports = (s) => JSON.parse(s)');
  return value === undefined ? value : clientRealmParse(JSON.stringify(value));
}

/** jpush-async's JPushAsync module with its hosts replaced by `origin`. */
function loadJPushAsync(origin) {
  const jp = copyFor(origin);
  loaded.set(origin, jp);
  return jp;
}

function clientFor(ctx) {
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

const b = (ex) => ex.body;
const q = (ex, name) => (ex.query ?? {})[name];

/** Each call uses the client's documented method for the operation, with the catalogue's example values. */
const calls = {
  push: (c, ex) => c.sendPush(ex.body),
  'push.validate': (c, ex) => c.validate(ex.body),
  'report.received': (c, ex) => c.getReportReceiveds(q(ex, 'msg_ids')),
  'report.messages': (c, ex) => c.getReportMessages(q(ex, 'msg_ids')),
  'report.received-detail': (c, ex) => c.getReportReceivedDetail(q(ex, 'msg_ids')),
  'report.messages-detail': (c, ex) => c.getReportMessagesDetail(q(ex, 'msg_ids')),
  'report.users': (c, ex) => c.getReportUsers(q(ex, 'time_unit'), q(ex, 'start'), q(ex, 'duration')),
  // This method never rejects: it resolves { res } or { err }. A user unwraps it, so the adapter does too.
  'report.status-message': async (c, ex) => {
    const { res, err } = await c.getReportStatusMessage(b(ex).msg_id, b(ex).registration_ids, b(ex).date);
    if (err !== undefined) throw err;
    return res;
  },
  'device.get': (c, ex) => c.getDeviceTagAlias(ex.params.registration_id),
  'device.update': (c, ex) => {
    const tags = b(ex).tags ?? {};
    return c.updateDeviceTagAlias(ex.params.registration_id, b(ex).alias ?? null, false, tags.add ?? [], tags.remove ?? []);
  },
  'tags.list': (c) => c.getTagList(),
  'tags.update': (c, ex) => {
    const ids = b(ex).registration_ids ?? {};
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

function typed(jp, err) {
  return err instanceof jp.APIRequestError || err instanceof jp.APIConnectionError || err instanceof jp.InvalidArgumentError;
}

/**
 * The adapter. jpush-async covers JPush v3 only (no cid, no withdraw in the async API); the matrix lists
 * the endpoints it lacks. Its isDeviceInTag sends a double slash (`TAG_PATH + '/' + tag` with TAG_PATH
 * `/v3/tags/`), its deleteTag (with a platform) and getDeviceStatus a trailing slash (`/v3/tags/t/?platform=`,
 * `/v3/devices/status/`); a pact mock server matches none of those paths, so a cell could only show the
 * mismatch, not how the client handles a status. Its getScheduleMsgIds is not on the client's prototype.
 * Those endpoints are left unsupported here.
 * @returns {import('../../src/matrix').MatrixAdapter}
 */
function jpushAsyncAdapter() {
  const wrapped = Object.fromEntries(Object.entries(calls).map(([id, call]) => [id, (ctx) => call(clientFor(ctx).client, inClientRealm(ctx.example))]));
  return {
    name: `jpush-async ${JPUSH_ASYNC_VERSION}`,
    api: 'jpush-v3',
    calls: wrapped,
    // Every copy requires the package's one JPushError.js through Node's module cache, so any loaded copy's
    // error classes are the ones all copies throw.
    isTypedError: (err) => {
      const jp = loaded.values().next().value;
      return jp !== undefined && typed(jp, err);
    },
    statusOf: (err) => {
      const code = err?.httpCode;
      return typeof code === 'number' ? code : undefined;
    },
    codeOf: (err) => {
      const response = err?.response;
      if (typeof response !== 'string') return undefined;
      try {
        const parsed = JSON.parse(response);
        return typeof parsed.code === 'number' ? parsed.code : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** The module export `push-contracts matrix --adapter` and runAdapterModule load (a factory). */
module.exports = { adapter: jpushAsyncAdapter, jpushAsyncAdapter, loadJPushAsync, JPUSH_ASYNC_VERSION };
